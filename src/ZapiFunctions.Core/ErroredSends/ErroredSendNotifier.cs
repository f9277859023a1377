using System.Text.Json;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Callbacks;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Http;

namespace ZapiFunctions.Core.ErroredSends;

/// <summary>
/// Tells the team's own endpoint about a failed send. The <see cref="HttpClient"/> carries the standard resilience
/// pipeline (timeouts and retries, Microsoft.Extensions.Http.Resilience); a final failure throws.
/// </summary>
public sealed class ErroredSendNotifier(HttpClient http, IOptions<ZapiOptions> options)
{
    /// <summary>The named HttpClient and its resilience options' name prefix.</summary>
    public const string ClientName = "ZapiNotify";

    /// <summary>True when a notify URL is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.NotifyUrl);

    /// <summary>POSTs the notification; throws <see cref="HttpRequestException"/> unless the endpoint answers 2xx.</summary>
    public async Task NotifyAsync(ErroredSendNotification notification, CancellationToken cancellationToken)
    {
        var url = new Uri(options.Value.NotifyUrl!, UriKind.Absolute);
        using var content = JsonRequestContent.Create(
            JsonSerializer.SerializeToUtf8Bytes(notification, CallbackJsonContext.Default.ErroredSendNotification));
        using var response = await http.PostAsync(url, content, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
