using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>
/// Completes when a request with the given method, to the given local port, enters an ASP.NET Core pipeline (the hosting
/// layer's <c>BeginRequest</c> diagnostic event): for a test that must act while that request is in flight, instead of
/// guessing with a delay. Diagnostic listeners are process-wide, so the port tells this test's gateway from the others.
/// </summary>
public sealed class RequestArrival : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private const string HostingListener = "Microsoft.AspNetCore";
    private const string BeginRequest = "Microsoft.AspNetCore.Hosting.BeginRequest";

    private readonly int _port;
    private readonly string _method;
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDisposable> _subscriptions = [];

    public RequestArrival(int port, string method)
    {
        (_port, _method) = (port, method);
        lock (_subscriptions) _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    public Task Arrived => _arrived.Task;

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name != HostingListener) return;
        lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this, name => name == BeginRequest));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        // The payload is an internal type with an httpContext property.
        if (e.Value?.GetType().GetProperty("httpContext")?.GetValue(e.Value) is not HttpContext context) return;
        if (context.Connection.LocalPort == _port && context.Request.Method == _method) _arrived.TrySetResult();
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            foreach (var s in _subscriptions) s.Dispose();
            _subscriptions.Clear();
        }
    }
}
