using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EventPlatform.IntegrationTests.Sqs;

internal sealed record LogLine(LogLevel Level, string Message, Exception? Exception);

/// <summary>Keeps every line logged, so a test can assert what an operator would read.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<LogLine> lines = new();

    public IReadOnlyList<LogLine> Lines => [.. lines];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue(new LogLine(logLevel, formatter(state, exception), exception));
}
