using System.Diagnostics;
using Azure.Storage.Queues;

namespace ZapiFunctions.Testing;

/// <summary>
/// A real Azurite (pinned in package.json, installed by <c>npm ci</c>) on free loopback ports, in memory.
/// Can be stopped and started again on the same ports to test outages.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented).</summary>
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _executable;
    private Process? _process;

    private Azurite(string executable)
    {
        _executable = executable;
        PickPorts();
    }

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    /// <summary>The emulator's process id while it runs (e.g. to read its CPU time in a benchmark).</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>What the emulator printed (kept to explain a failed start).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; } = new();

    /// <summary>A connection string for this instance, in the form the app reads from AzureWebJobsStorage.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public static async Task<Azurite> StartAsync()
    {
        var executable = Path.Combine(RepositoryRoot.Path, "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {executable}. Run 'npm ci' at the repository root (test.sh does).");
        }

        var azurite = new Azurite(executable);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await azurite.StartAgainAsync();
                return azurite;
            }
            catch (AzuriteExitedException) when (attempt < 3)
            {
                // A free port was taken by another process between choosing it and Azurite binding it: choose again.
                azurite.PickPorts();
            }
        }
    }

    /// <summary>A queue client for test assertions (Base64, like the app).</summary>
    public QueueClient Queue(string name) =>
        new(ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>(Re)starts the emulator on this instance's ports and waits until the queue service answers.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var process = _process;
        var service = new QueueServiceClient(ConnectionString, new QueueClientOptions { Retry = { MaxRetries = 0 } });
        await Poll.UntilAsync(
            async () => process.HasExited ? -1 : (await service.GetPropertiesAsync()).GetRawResponse().Status,
            status => status is 200 or -1,
            TimeSpan.FromSeconds(60),
            "Azurite's queue service");
        if (process.HasExited)
        {
            throw new AzuriteExitedException($"Azurite exited at start (code {process.ExitCode}): {string.Join(" | ", Output)}");
        }
    }

    private void PickPorts()
    {
        BlobPort = LoopbackPort.Free();
        QueuePort = LoopbackPort.Free();
        TablePort = LoopbackPort.Free();
    }

    /// <summary>Kills the emulator (an outage); its in-memory data is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Azurite's process ended while starting (typically a port taken meanwhile).</summary>
    private sealed class AzuriteExitedException(string message) : Exception(message);
}
