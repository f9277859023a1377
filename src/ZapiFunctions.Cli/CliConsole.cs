namespace ZapiFunctions.Cli;

/// <summary>Where the tool writes and how it reads environment variables (tests pass their own).</summary>
/// <param name="Out">Results: tables, JSON.</param>
/// <param name="Error">Progress, warnings and errors, so results can be piped.</param>
/// <param name="Environment">Reads an environment variable.</param>
/// <param name="ZapiHandler">Overrides the HTTP handler used for Z-API calls (tests); null for the real one.</param>
/// <param name="ErrorIsTerminal">Whether <paramref name="Error"/> is a terminal: only then may progress redraw one line with <c>\r</c>.</param>
internal sealed record CliConsole(
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> Environment,
    HttpMessageHandler? ZapiHandler = null,
    bool ErrorIsTerminal = false);
