using System.Net;
using System.Net.Sockets;
using System.Text;
using ZapiFunctions.ReliabilityTests.Support;

namespace ZapiFunctions.ReliabilityTests;

/// <summary>The raw client reads past interim answers, as an HTTP client must: "100 Continue" is never the answer.</summary>
public sealed class RawHttpTests
{
    [Fact]
    public async Task A_100_Continue_before_the_answer_is_read_past()
    {
        var response = await AnsweredWithAsync("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nno");

        Assert.NotNull(response);
        Assert.Equal(400, response.Status);
        Assert.Equal("no", Encoding.ASCII.GetString(response.Body));
    }

    [Fact]
    public async Task A_100_Continue_and_then_a_hang_up_is_no_answer() =>
        Assert.Null(await AnsweredWithAsync("HTTP/1.1 100 Continue\r\n\r\n"));

    /// <summary>A one-shot server on loopback that reads the request's head, writes <paramref name="answer"/> and closes.</summary>
    private static async Task<RawResponse?> AnsweredWithAsync(string answer)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var head = new byte[4096];
            _ = await stream.ReadAsync(head);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
        });

        var response = await RawHttp.SendAsync(port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), TimeSpan.FromSeconds(30));
        await server;
        return response;
    }
}
