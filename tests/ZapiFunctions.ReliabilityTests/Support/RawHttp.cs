using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>An HTTP/1.1 answer as read off the socket.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? ContentType => Headers.TryGetValue("content-type", out var value) ? value.Split(';')[0].Trim() : null;
}

/// <summary>
/// HTTP/1.1 over a plain loopback socket, byte for byte: for requests an HTTP client library would refuse to send
/// (bad Content-Length, broken chunking, huge or invalid headers). Writes while it reads, and gives up at a deadline.
/// Kestrel takes a client's half-close as the client hanging up, so the socket is half-closed only when asked.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> and reads the final answer; null when the server closed without one.</summary>
    public static async Task<RawResponse?> SendAsync(int port, byte[] request, TimeSpan deadline, bool hangUp = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var timeout = new CancellationTokenSource(deadline);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);

        var writing = Task.Run(async () =>
        {
            try
            {
                for (var sent = 0; sent < request.Length;)
                {
                    sent += await socket.SendAsync(request.AsMemory(sent, Math.Min(64 * 1024, request.Length - sent)), SocketFlags.None, timeout.Token);
                }

                if (hangUp)
                {
                    socket.Shutdown(SocketShutdown.Send);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The server answered and closed before reading everything (a 413, a 431): what it said is read below.
            }
        });

        using var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // Reset after answering: keep what arrived.
        }

        await writing;
        return Parse(received.ToArray());
    }

    private static RawResponse? Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return null;
        }

        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        if (status is >= 100 and < 200 and not 101)
        {
            // An interim answer (100 Continue to "Expect: 100-continue") has no body and is never the answer: as any
            // HTTP client does, read past it to the final one, or to none if the server then closed.
            return Parse(bytes[(end + 4)..]);
        }

        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .GroupBy(parts => parts[0].Trim().ToLowerInvariant())
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(parts => parts.Length > 1 ? parts[1].Trim() : string.Empty)));
        var body = bytes.AsSpan(end + 4);
        if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return new RawResponse(status, headers, Dechunk(body));
        }

        if (headers.TryGetValue("content-length", out var length) && int.TryParse(length, CultureInfo.InvariantCulture, out var n))
        {
            body = body[..Math.Min(n, body.Length)];
        }

        return new RawResponse(status, headers, body.ToArray());
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> chunked)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n"u8);
            if (lineEnd < 0
                || !int.TryParse(Encoding.Latin1.GetString(chunked[..lineEnd]).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size)
                || size == 0)
            {
                return body.ToArray();
            }

            chunked = chunked[(lineEnd + 2)..];
            body.Write(chunked[..Math.Min(size, chunked.Length)]);
            chunked = chunked[Math.Min(size + 2, chunked.Length)..];
        }
    }
}
