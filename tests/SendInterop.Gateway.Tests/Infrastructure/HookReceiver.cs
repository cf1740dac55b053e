using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, a free port) standing in for an agency system that receives rest-hook
/// notifications: it records every request and answers with the status <see cref="Answer"/> gives.
/// </summary>
public sealed class HookReceiver : IAsyncDisposable
{
    /// <summary>One request and the status it was answered with.</summary>
    public sealed record Received(string Method, string Path, string Body, string? ContentType, IReadOnlyDictionary<string, string> Headers, int Status = 0);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();

    /// <summary>The status to answer each request with (200 unless a test says otherwise).</summary>
    public Func<Received, int> Answer { get; set; } = _ => 200;

    /// <summary>When set, every request waits for it before it is answered (and recorded).</summary>
    public Task? Hold { get; set; }

    private HookReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<Received> All => _received.ToList();

    public static async Task<HookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new HookReceiver(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var received = new Received(context.Request.Method, context.Request.Path.Value ?? "", body, context.Request.ContentType, headers);
            if (receiver.Hold is { } hold) await hold;
            var status = receiver.Answer(received);
            receiver._received.Enqueue(received with { Status = status });
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.First().TrimEnd('/');
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
