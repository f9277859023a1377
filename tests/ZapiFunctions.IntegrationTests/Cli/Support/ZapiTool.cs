using ZapiFunctions.Cli;
namespace ZapiFunctions.IntegrationTests.Cli.Support;

/// <summary>Runs the tool in-process with captured output and a given environment.</summary>
internal static class ZapiTool
{
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(
        IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var env = environment ?? new Dictionary<string, string>();
        var code = await ZapiCli.RunAsync(args, new CliConsole(output, error, name => env.TryGetValue(name, out var v) ? v : null), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
