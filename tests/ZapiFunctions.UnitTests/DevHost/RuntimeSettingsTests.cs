using System.Text.Json;

namespace ZapiFunctions.UnitTests.DevHost;

/// <summary>
/// The Functions worker and the DevHost start with thread-pool spinning off (Directory.Build.props), and with the same
/// garbage collector: their own runtimeconfig.json files, copied beside this assembly with the projects it references,
/// are what the runtime reads.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("ZapiFunctions.runtimeconfig.json")]
    [InlineData("ZapiFunctions.DevHost.runtimeconfig.json")]
    public void The_worker_and_the_DevHost_start_with_thread_pool_spinning_off(string file)
    {
        var properties = ConfigProperties(file);

        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }

    [Fact]
    public void The_DevHost_runs_the_workers_garbage_collector()
    {
        var worker = ServerGc("ZapiFunctions.runtimeconfig.json");
        var devHost = ServerGc("ZapiFunctions.DevHost.runtimeconfig.json");

        // The worker's project is Microsoft.NET.Sdk (workstation GC); the DevHost's Web SDK would turn the server GC on.
        Assert.False(worker);
        Assert.Equal(worker, devHost);
    }

    /// <summary>Whether the file turns the server GC on; absent is the runtime's default, off.</summary>
    private static bool ServerGc(string file) =>
        ConfigProperties(file).TryGetProperty("System.GC.Server", out var server) && server.GetBoolean();

    private static JsonElement ConfigProperties(string file)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, file)));
        return config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
