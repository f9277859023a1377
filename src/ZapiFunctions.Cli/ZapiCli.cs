using System.CommandLine;
using Azure;
using ZapiFunctions.Cli.Commands;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Queueing;
using ZapiFunctions.Operations.DeadLetters;
using ZapiFunctions.Operations.ErroredSends;
using ZapiFunctions.Operations.Queues;
using ZapiFunctions.Operations.Tracing;
using ZapiFunctions.Operations.ZapiApi;

namespace ZapiFunctions.Cli;

/// <summary>The <c>zapi</c> command line.</summary>
internal static class ZapiCli
{
    /// <summary>Settings file option shared by the storage commands.</summary>
    public static readonly Option<string?> SettingsOption = new("--settings")
    {
        Description = "A local.settings.json whose Values hold AzureWebJobsStorage and Zapi__* (default: ./local.settings.json, else ./local.settings.sample.json, if present). Environment variables override it.",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        var root = new RootCommand("zapi: operate ZapiFunctions, the Z-API \"On send\" webhook processor.")
        {
            Options = { SettingsOption },
            Subcommands =
            {
                WebhookCommands.Create(console),
                SimulateCommand.Create(console),
                ErroredCommands.Create(console),
                PoisonCommands.Create(console),
                QueueCommands.Create(console),
                FallbackCommands.Create(console),
                TraceCommand.Create(console),
                HealthCommand.Create(console),
            },
        };

        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync(error.Message);
            }

            await console.Error.WriteLineAsync("Run 'zapi --help' or 'zapi <command> --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>Runs a command body, turning known failures into one clear line and an exit code.</summary>
    public static async Task<int> Guard(CliConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (UsageException ex)
        {
            return await Fail(console, ex.Message, ExitCodes.Usage);
        }
        catch (ArgumentException ex)
        {
            return await Fail(console, ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal), ExitCodes.Usage);
        }
        catch (InvalidSettingsException ex)
        {
            return await Fail(console, ex.Message, ExitCodes.Usage);
        }
        catch (ZapiApiException ex)
        {
            return await Fail(console, ex.Message, ExitCodes.Failed);
        }
        catch (ReplayInterruptedException ex)
        {
            return await Fail(console, ex.Message, ExitCodes.Failed);
        }
        catch (RequestFailedException ex)
        {
            return await Fail(console, $"Storage answered {ex.Status} {ex.ErrorCode}: {FirstLine(ex.Message)}", ExitCodes.Failed);
        }
        catch (Azure.Identity.AuthenticationFailedException ex)
        {
            return await Fail(console, "Could not sign in to Azure for identity-based storage: " + FirstLine(ex.Message) + " (run 'az login').", ExitCodes.Failed);
        }
        catch (HttpRequestException ex)
        {
            return await Fail(console, "HTTP request failed: " + ex.Message, ExitCodes.Failed);
        }
        catch (FormatException ex)
        {
            // The queue clients decode Base64 (what the app writes); one message written otherwise fails the whole read.
            return await Fail(console, $"A queue holds a message that is not Base64 ({FirstLine(ex.Message)}), so it could not be read; the app writes Base64 only. Inspect or remove it with Azure Storage Explorer or 'az storage message peek'.", ExitCodes.Failed);
        }
        catch (AggregateException ex) when (ex.InnerException is RequestFailedException inner)
        {
            return await Fail(console, $"Storage unreachable: {FirstLine(inner.Message)}", ExitCodes.Failed);
        }
    }

    /// <summary>One <c>error: …</c> line per problem (a usage error may list several settings).</summary>
    private static async Task<int> Fail(CliConsole console, string message, int code)
    {
        foreach (var line in message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await console.Error.WriteLineAsync("error: " + line);
        }

        return code;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
