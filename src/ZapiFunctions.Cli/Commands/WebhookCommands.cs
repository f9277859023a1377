using System.CommandLine;
using System.Text.Json;
using ZapiFunctions.Operations.ZapiApi;

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
        var url = new Option<string?>("--url")
        {
            Description = "The app's https:// URL with ?code=<function key> (or ZAPI_WEBHOOK_REGISTER_URL, which keeps the key off the command line). " +
                $"Its base URL, its {WebhookUrl.SharedPath} URL or its /api/instance/{WebhookUrl.Placeholder}/delivery URL (the deployment's output) registers the per-instance URL of --instance; {WebhookUrl.Placeholder} in a path of your own is filled in, and any other path is registered as given.",
        };
        var shared = new Option<bool>("--shared")
        {
            Description = $"Register the shared {WebhookUrl.SharedPath} URL instead of the per-instance one; callbacks that carry no instanceId are then recorded under instance (none).",
        };

        var register = new Command(
            "register",
            $"Set the instance's On send webhook (Z-API update-webhook-delivery) to the app's per-instance URL, /api/instance/<--instance>/delivery, which says the instance even when a callback does not (--shared: {WebhookUrl.SharedPath}).")
        {
            instance, token, clientToken, baseUrl, url, shared,
        };
        register.SetAction((parse, ct) => ZapiCli.Guard(console, async () =>
        {
            var given = ParseWebhookUrl(parse.GetValue(url) ?? console.Environment("ZAPI_WEBHOOK_REGISTER_URL")
                ?? throw new UsageException("Give the webhook URL: --url (or ZAPI_WEBHOOK_REGISTER_URL)."));
            var (client, target) = Client(console, parse, instance, token, clientToken, baseUrl);
            ResolvedWebhookUrl webhook;
            using (client)
            {
                webhook = WebhookUrl.Resolve(given, target.InstanceId, parse.GetValue(shared));
                foreach (var warning in Warnings(webhook, target.InstanceId))
                {
                    await console.Error.WriteLineAsync("warning: " + warning);
                }

                await new ZapiClient(client).RegisterDeliveryWebhookAsync(target, webhook.Url, ct);
            }

            var kind = webhook.Kind switch
            {
                WebhookUrlKind.PerInstance => "the per-instance URL",
                WebhookUrlKind.Shared => "the shared URL",
                _ => "the URL as given",
            };
            await console.Out.WriteLineAsync($"Registered {Redact.Url(webhook.Url.ToString())} ({kind}) as the On send webhook of instance {target.InstanceId}.");
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

    /// <summary>What may make the registered URL fail or mislead, one line each.</summary>
    private static IEnumerable<string> Warnings(ResolvedWebhookUrl webhook, string instanceId)
    {
        var hasKey = webhook.Url.Query.Contains("code=", StringComparison.OrdinalIgnoreCase);
        if (!hasKey)
        {
            yield return "the URL has no ?code=<function key>; Azure will answer 401 to Z-API. See docs/deploy.md, \"The webhook URL to register\".";
        }
        else if (webhook.OtherFunction)
        {
            // A function key opens only its own function: OnSend's key is refused by InstanceDelivery, and the other way round.
            yield return webhook.Kind == WebhookUrlKind.Shared
                ? "registering the shared URL in place of the per-instance one given: its ?code= must be a host key or the OnSend function's key (InstanceDelivery's own key gets 401)."
                : "registering the per-instance URL in place of the shared one given: its ?code= must be a host key or the InstanceDelivery function's key (OnSend's own key gets 401); --shared registers the shared URL instead.";
        }

        if (webhook.NamedInstance is { } named && !string.Equals(named, instanceId, StringComparison.Ordinal))
        {
            yield return $"the URL is the per-instance URL of instance {named}, not of {instanceId}: {instanceId}'s callbacks without an instanceId would be recorded as {named}'s. Give the app's base URL to register {instanceId}'s own.";
        }
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
