using System.CommandLine;
using System.Text.Json;
using ZapiFunctions.Core.ZapiApi;

namespace ZapiFunctions.Cli.Commands;

/// <summary><c>zapi webhook register|show</c>: Z-API's On send webhook of an instance.</summary>
internal static class WebhookCommands
{
    public static Command Create(CliConsole console)
    {
        var instance = new Option<string?>("--instance") { Description = "Z-API instance id (or ZAPI_INSTANCE_ID)." };
        var token = new Option<string?>("--token") { Description = "Z-API instance token (or ZAPI_INSTANCE_TOKEN). Never printed." };
        var clientToken = new Option<string?>("--client-token") { Description = "Account security token, sent as Client-Token (or ZAPI_CLIENT_TOKEN). Never printed." };
        var baseUrl = new Option<string?>("--base-url") { Description = "Z-API API address (or ZAPI_BASE_URL; default https://api.z-api.io)." };
        var url = new Option<string?>("--url") { Description = "The HTTPS webhook URL to register, with ?code=<function key> (or ZAPI_WEBHOOK_REGISTER_URL, which keeps the key off the command line)." };

        var register = new Command("register", "Set the instance's On send webhook (Z-API update-webhook-delivery).")
        {
            instance, token, clientToken, baseUrl, url,
        };
        register.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            var webhook = ParseWebhookUrl(parse.GetValue(url) ?? console.Environment("ZAPI_WEBHOOK_REGISTER_URL")
                ?? throw new UsageException("Give the webhook URL: --url (or ZAPI_WEBHOOK_REGISTER_URL)."));
            if (!webhook.Query.Contains("code=", StringComparison.OrdinalIgnoreCase))
            {
                await console.Error.WriteLineAsync("warning: the URL has no ?code=<function key>; Azure will answer 401 to Z-API. See README, \"The webhook URL to register\".");
            }

            var (client, target) = Client(console, parse, instance, token, clientToken, baseUrl);
            using (client)
            {
                await new ZapiClient(client).RegisterDeliveryWebhookAsync(target, webhook, ct);
            }

            await console.Out.WriteLineAsync($"Registered {Redact.Url(webhook.ToString())} as the On send webhook of instance {target.InstanceId}.");
            return ExitCodes.Success;
        }));

        var json = new Option<bool>("--json") { Description = "Print Z-API's answer as JSON (tokens and keys hidden)." };
        var show = new Command("show", "Show the instance's current On send webhook (Z-API GET /me, deliveryCallbackUrl).")
        {
            instance, token, clientToken, baseUrl, json,
        };
        show.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            var (client, target) = Client(console, parse, instance, token, clientToken, baseUrl);
            JsonElement settings;
            using (client)
            {
                settings = JsonSerializer.SerializeToElement(await new ZapiClient(client).GetInstanceSettingsAsync(target, ct));
            }

            var current = settings.TryGetProperty("deliveryCallbackUrl", out var value) ? value.GetString() : null;
            if (parse.GetValue(json))
            {
                await console.Out.WriteLineAsync(Redact.Json(settings));
            }
            else
            {
                await console.Out.WriteLineAsync(string.IsNullOrEmpty(current)
                    ? $"Instance {target.InstanceId} has no On send webhook."
                    : $"On send webhook of instance {target.InstanceId}: {Redact.Url(current)}");
            }

            return ExitCodes.Success;
        }));

        return new Command("webhook", "Register or show the Z-API On send webhook.") { register, show };
    }

    private static Uri ParseWebhookUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var webhook))
        {
            throw new UsageException($"--url must be an absolute https:// URL (got '{Redact.Url(text)}').");
        }

        ZapiClient.RequireHttps(webhook);
        return webhook;
    }

    /// <summary>Z-API's address from --base-url, else ZAPI_BASE_URL, else the public API; refused unless absolute http(s).</summary>
    private static Uri BaseAddress(string? option, string? environment)
    {
        var (address, source) = option is not null ? (option, "--base-url") : (environment, "ZAPI_BASE_URL");
        if (string.IsNullOrWhiteSpace(address))
        {
            return ZapiClient.DefaultBaseAddress;
        }

        // http is allowed for a local stand-in (tests, a proxy on loopback); the real API is https.
        if (!Uri.TryCreate(address.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var parsed)
            || parsed.Scheme is not ("http" or "https"))
        {
            throw new UsageException(
                $"--base-url (or ZAPI_BASE_URL) must be an absolute http(s):// URL such as {ZapiClient.DefaultBaseAddress} (got '{address}' from {source}).");
        }

        return parsed;
    }

    private static (HttpClient Client, ZapiInstance Instance) Client(
        CliConsole console, ParseResult parse, Option<string?> instance, Option<string?> token, Option<string?> clientToken, Option<string?> baseUrl)
    {
        var id = parse.GetValue(instance) ?? console.Environment("ZAPI_INSTANCE_ID");
        var secret = parse.GetValue(token) ?? console.Environment("ZAPI_INSTANCE_TOKEN");
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(secret))
        {
            throw new UsageException("Give the instance: --instance and --token (or ZAPI_INSTANCE_ID and ZAPI_INSTANCE_TOKEN).");
        }

        var baseAddress = BaseAddress(parse.GetValue(baseUrl), console.Environment("ZAPI_BASE_URL"));
        var http = console.ZapiHandler is null ? new HttpClient() : new HttpClient(console.ZapiHandler, disposeHandler: false);
        http.BaseAddress = baseAddress;
        http.Timeout = TimeSpan.FromSeconds(30);
        var client = parse.GetValue(clientToken) ?? console.Environment("ZAPI_CLIENT_TOKEN");
        return (http, new ZapiInstance(id, secret, string.IsNullOrWhiteSpace(client) ? null : client));
    }
}
