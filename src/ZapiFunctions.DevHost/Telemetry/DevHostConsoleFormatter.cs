using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.DevHost.Telemetry;

/// <summary>
/// The DevHost's console lines: <c>level: Category[EventId] message</c>, like the simple single-line console, but an
/// exception is shown as its type and first line, not a stack trace (Azurite not running is not a crash). With
/// <c>--verbose</c> the DevHost uses the simple console instead, stack traces included.
/// </summary>
internal sealed class DevHostConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "devhost";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && string.IsNullOrEmpty(message))
        {
            return;
        }

        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.Write("] ");
        textWriter.Write(message.ReplaceLineEndings(" "));
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write($" ({exception.GetType().Name}: {StorageFailure.Describe(exception)})");
        }

        textWriter.WriteLine();
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
