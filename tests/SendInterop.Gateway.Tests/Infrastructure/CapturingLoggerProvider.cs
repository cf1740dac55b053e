using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>Collects every log line (category, message, exception) so tests can assert that no personal data is logged.</summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, sink);

    public void Dispose() { }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        // The message, its structured values (a value can hold data the template leaves out) and the exception.
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = $"{logLevel} {category}: {formatter(state, exception)}";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                text += " {" + string.Join(", ", values.Select(kv => kv.Key + "=" + kv.Value)) + "}";
            if (exception is not null) text += "\n" + exception;
            sink.Enqueue(text);
        }
    }
}
