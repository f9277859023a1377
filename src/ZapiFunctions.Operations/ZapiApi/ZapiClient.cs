using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZapiFunctions.Core.Http;

namespace ZapiFunctions.Operations.ZapiApi;

/// <summary>
/// The few Z-API instance calls this project needs: register the "On send" webhook
/// (<c>PUT /instances/{id}/token/{token}/update-webhook-delivery</c>) and read the instance settings (<c>GET …/me</c>).
/// The instance token travels in the path and the account's security token in the <c>Client-Token</c> header;
/// neither appears in any message this class produces.
/// </summary>
public sealed class ZapiClient(HttpClient http)
{
    /// <summary>Z-API's public API address.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://api.z-api.io/");

    /// <summary>Sets the instance's On send webhook to <paramref name="webhookUrl"/>.</summary>
    public async Task RegisterDeliveryWebhookAsync(
        ZapiInstance instance, Uri webhookUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        RequireHttps(webhookUrl);
        using var request = new HttpRequestMessage(HttpMethod.Put, instance.Path("update-webhook-delivery"))
        {
            // JsonNode writes itself (no reflection); the bytes give the request a Content-Length.
            Content = JsonRequestContent.Create(Encoding.UTF8.GetBytes(new JsonObject { ["value"] = webhookUrl.AbsoluteUri }.ToJsonString())),
        };
        var body = await SendAsync(request, instance, cancellationToken);
        if (body?["value"]?.GetValueKind() != JsonValueKind.True)
        {
            throw new ZapiApiException(
                $"Z-API did not confirm the change (expected {{\"value\": true}}, got {Describe(body)}).")
            { Status = 200 };
        }
    }

    /// <summary>Reads the instance's settings (GET …/me); <c>deliveryCallbackUrl</c> is the On send webhook.</summary>
    public async Task<JsonObject> GetInstanceSettingsAsync(ZapiInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        using var request = new HttpRequestMessage(HttpMethod.Get, instance.Path("me"));
        return await SendAsync(request, instance, cancellationToken) as JsonObject
            ?? throw new ZapiApiException("Z-API answered GET /me with something other than a JSON object.") { Status = 200 };
    }

    /// <summary>Throws unless <paramref name="url"/> is an absolute https:// URL (Z-API refuses others).</summary>
    public static void RequireHttps(Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException(
                $"The webhook URL must be an absolute https:// URL: Z-API does not accept other webhooks (got '{url}').", nameof(url));
        }
    }

    private async Task<JsonNode?> SendAsync(HttpRequestMessage request, ZapiInstance instance, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(instance.ClientToken))
        {
            request.Headers.TryAddWithoutValidation("Client-Token", instance.ClientToken);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ZapiApiException($"Could not reach Z-API at {http.BaseAddress}: {ex.Message}", ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? body = null;
            try
            {
                body = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
            catch (JsonException) when (response.IsSuccessStatusCode)
            {
                // A 2xx that is not JSON is not Z-API's API (a web page, a proxy's login): say what came back.
                var type = response.Content.Headers.ContentType?.MediaType ?? "no content type";
                throw new ZapiApiException(
                    $"Z-API answered {(int)response.StatusCode} with a body that is not JSON ({type}): check that --base-url is Z-API's API address (https://api.z-api.io).")
                { Status = (int)response.StatusCode };
            }
            catch (JsonException)
            {
                // Not JSON: described below from the status alone.
            }

            if (response.IsSuccessStatusCode && body?["error"] is null)
            {
                return body;
            }

            throw new ZapiApiException(Explain(response.StatusCode, body, instance)) { Status = (int)response.StatusCode };
        }
    }

    private static string Explain(HttpStatusCode status, JsonNode? body, ZapiInstance instance)
    {
        var error = body?["error"]?.GetValueKind() == JsonValueKind.String ? (string?)body["error"] : null;
        if (error is not null && error.Contains("null not allowed", StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrEmpty(instance.ClientToken)
                ? "Z-API refused the call without a Client-Token (\"null not allowed\"): your account has the security token enabled; pass --client-token (or ZAPI_CLIENT_TOKEN)."
                : "Z-API refused the Client-Token (\"null not allowed\"): check --client-token against the account security token in the Z-API panel.";
        }

        return (int)status switch
        {
            405 => "Z-API answered 405 Method Not Allowed: the request method does not match the endpoint. Check that --base-url is Z-API's API address (https://api.z-api.io).",
            415 => "Z-API answered 415 Unsupported Media Type: the request needs 'Content-Type: application/json'. Check that nothing between you and Z-API (a proxy) drops it.",
            401 or 403 => $"Z-API answered {(int)status} {status}: the instance id, instance token or Client-Token is wrong or lacks access. Check --instance, --token and --client-token in the Z-API panel.",
            404 => "Z-API answered 404 Not Found: no such instance or token. Check --instance and --token.",
            _ => $"Z-API answered {(int)status} {status}{(error is null ? string.Empty : $": {error}")}.",
        };
    }

    private static string Describe(JsonNode? body) => body?.ToJsonString() ?? "an empty body";
}
