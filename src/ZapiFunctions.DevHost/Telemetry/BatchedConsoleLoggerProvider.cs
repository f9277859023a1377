using Microsoft.Extensions.Logging.Abstractions;

namespace ZapiFunctions.DevHost.Telemetry;

/// <summary>
/// The DevHost's console logger: each line formatted by <see cref="DevHostConsoleFormatter"/> on the caller's thread and
/// written to standard output through a <see cref="BatchedConsoleWriter"/>. Registered under the console logger's
/// alias, so <c>Logging:Console:LogLevel:…</c> settings apply to it as they did to the console logger it replaces.
/// </summary>
[ProviderAlias("Console")]
internal sealed class BatchedConsoleLoggerProvider(BatchedConsoleWriter writer) : ILoggerProvider
{
    private readonly DevHostConsoleFormatter _formatter = new();

    public BatchedConsoleLoggerProvider()
        : this(new BatchedConsoleWriter(Console.OpenStandardOutput()))
    {
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _formatter, writer);

    public void Dispose() => writer.Dispose();

    private sealed class Logger(string category, DevHostConsoleFormatter formatter, BatchedConsoleWriter writer) : ILogger
    {
        // One per thread: a line is formatted without allocating a writer for it.
        [ThreadStatic]
        private static StringWriter? t_line;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // The logger factory has already applied the levels; every provider is asked only what passes them.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> messageFormatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = t_line ??= new StringWriter();
            formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, messageFormatter), null, line);
            var text = line.GetStringBuilder();
            if (text.Length > 0)
            {
                writer.Append(text);
            }

            text.Clear();
        }
    }
}
