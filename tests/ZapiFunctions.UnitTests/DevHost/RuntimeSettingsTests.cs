using System.Text.Json;

namespace ZapiFunctions.UnitTests.DevHost;

/// <summary>
/// The Functions worker and the DevHost start with thread-pool spinning off (Directory.Build.props): their own
/// runtimeconfig.json files, copied beside this assembly with the projects it references, are what the runtime reads.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("ZapiFunctions.runtimeconfig.json")]
    [InlineData("ZapiFunctions.DevHost.runtimeconfig.json")]
    public void The_worker_and_the_DevHost_start_with_thread_pool_spinning_off(string file)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, file)));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
