using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ZapiFunctions.Core;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.ErroredSends;
using ZapiFunctions.IntegrationTests.Support;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.ErroredSends;

/// <summary>The notifier, registered as in production (resilience pipeline included), against a real local endpoint.</summary>
public sealed class ErroredSendNotifierTests : IAsyncLifetime
{
    private NotifyEndpoint _notify = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _notify = await NotifyEndpoint.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Never contacted: only the notifier is resolved here.
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Zapi:NotifyUrl"] = _notify.Url.ToString(),
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddZapiFunctions(configuration, TransportSecurity.Application);
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _notify.DisposeAsync();
    }

    [Fact]
    public async Task The_notification_is_sent_with_a_content_length_not_chunked()
    {
        // Non-ASCII text makes the byte count differ from the character count, so the length must be the bytes'.
        var notification = new ErroredSendNotification(
            ErroredSendNotification.TypeName, "inst-1", "M-1", "Z-1", "5511987654321", "Número não existe", null,
            "invalid-number", false, "Corrija o número", 1777494009341, DateTimeOffset.UnixEpoch, "req-1");

        await _services.GetRequiredService<ErroredSendNotifier>().NotifyAsync(notification, CancellationToken.None);

        var request = Assert.Single(_notify.Requests);
        Assert.True(request.Headers.TryGetValue("Content-Length", out var length), "no Content-Length header");
        Assert.Equal(request.BodyLength, long.Parse(length, CultureInfo.InvariantCulture));
        Assert.False(request.Headers.ContainsKey("Transfer-Encoding"), "sent with Transfer-Encoding: " + request.Headers.GetValueOrDefault("Transfer-Encoding"));
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal("Número não existe", Assert.Single(_notify.Received).GetProperty("error").GetString());
    }
}
