using System.CommandLine;
using System.Net;
using System.Text.Json;

namespace ZapiFunctions.Cli.Commands;

/// <summary><c>zapi health</c>: asks the app's readiness endpoint whether it can take callbacks.</summary>
internal static class HealthCommand
{
    /// <summary>Where <c>./run.sh</c> and Core Tools serve the app.</summary>
    private const string DefaultAppUrl = "http://127.0.0.1:7071";

    private const string ReadyPath = "api/healthz/ready";

    public static Command Create(CliConsole console)
    {
        var url = new Option<string?>("--url") { Description = $"The app's base address (or ZAPI_APP_URL; default {DefaultAppUrl}), e.g. https://func-zapi.azurewebsites.net." };
        var code = new Option<string?>("--code") { Description = "Function key for an app in Azure, sent as ?code= (or ZAPI_FUNCTION_KEY, which keeps it off the command line). Never printed." };
        var json = new Option<bool>("--json") { Description = "Print the health report as the app sent it." };

        var command = new Command("health", $"Check the app's readiness (GET /{ReadyPath}): overall status and each check. Exit code 0 only when Healthy.")
        {
            url, code, json,
        };
        command.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            var endpoint = Endpoint(
                parse.GetValue(url) ?? console.Environment("ZAPI_APP_URL"),
                parse.GetValue(code) ?? console.Environment("ZAPI_FUNCTION_KEY"));
            var shown = Redact.Url(endpoint.ToString());

            // Generous: an app in Azure may be starting from cold, and the checks themselves reach storage.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            HttpStatusCode status;
            string body;
            try
            {
                using var response = await http.GetAsync(endpoint, ct);
                status = response.StatusCode;
                body = await response.Content.ReadAsStringAsync(ct);
            }
            catch (HttpRequestException ex)
            {
                return await Unreachable(console, shown, ex.Message);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return await Unreachable(console, shown, $"no answer within {http.Timeout.TotalSeconds:0} s");
            }

            if (HealthReport.TryParse(body) is not { } report)
            {
                await console.Error.WriteLineAsync("error: " + NotAReport(shown, status));
                return ExitCodes.Failed;
            }

            if (parse.GetValue(json))
            {
                await console.Out.WriteLineAsync(body);
            }
            else
            {
                await Print(console, report, shown, status);
            }

            return report.Status == "Healthy" && (int)status is >= 200 and < 300 ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    /// <summary><c>{base}/api/healthz/ready</c>, with <c>?code=</c> when a key is given.</summary>
    private static Uri Endpoint(string? baseUrl, string? key)
    {
        var address = string.IsNullOrWhiteSpace(baseUrl) ? DefaultAppUrl : baseUrl.Trim();
        if (!Uri.TryCreate(address, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--url (or ZAPI_APP_URL) must be the app's absolute http(s):// base address, such as {DefaultAppUrl} (got '{Redact.Url(address)}').");
        }

        var builder = new UriBuilder(parsed) { Path = parsed.AbsolutePath.TrimEnd('/') + "/" + ReadyPath, Fragment = string.Empty };
        builder.Query = string.IsNullOrEmpty(key) ? string.Empty : "code=" + Uri.EscapeDataString(key);
        return builder.Uri;
    }

    private static async Task<int> Unreachable(CliConsole console, string shown, string reason)
    {
        await console.Error.WriteLineAsync($"error: cannot reach {shown}: {reason}; is the app running? (./run.sh)");
        return ExitCodes.Failed;
    }

    private static string NotAReport(string shown, HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
            $"{shown} answered {(int)status} {status}: give the app's function key with --code (or ZAPI_FUNCTION_KEY).",
        HttpStatusCode.NotFound =>
            $"{shown} answered 404 Not Found: check that --url (or ZAPI_APP_URL) is the app's base address and the app has the health endpoint.",
        _ => $"{shown} answered {(int)status} {status} without a health report; check that --url (or ZAPI_APP_URL) is the app's base address.",
    };

    private static async Task Print(CliConsole console, HealthReport report, string shown, HttpStatusCode status)
    {
        await console.Out.WriteLineAsync($"{report.Status}  ({shown} answered {(int)status})");
        var nameWidth = report.Checks.Select(c => c.Name.Length).DefaultIfEmpty(0).Max();
        var statusWidth = report.Checks.Select(c => c.Status.Length).DefaultIfEmpty(0).Max();
        foreach (var check in report.Checks)
        {
            await console.Out.WriteLineAsync($"{check.Name.PadRight(nameWidth)}  {check.Status.PadRight(statusWidth)}  {check.Description}".TrimEnd());
        }
    }
}
