using Microsoft.Extensions.Configuration;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.DevHost.Queues;
using ZapiFunctions.DevHost.Settings;
using ZapiFunctions.Testing;

namespace ZapiFunctions.UnitTests.DevHost;

public sealed class DevHostSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zapi-devhost-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_repository_host_json_is_read_as_the_functions_runtime_reads_it()
    {
        var settings = QueueTriggerSettings.Load(Path.Combine(RepositoryRoot.Path, "host.json"));

        Assert.Equal(new QueueTriggerSettings(16, 8, 5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), "base64"), settings);
    }

    [Theory]
    [InlineData(null, TransportSecurity.Application)]
    [InlineData("true", TransportSecurity.Application)]
    [InlineData("false", TransportSecurity.Unchecked)]
    public void The_handler_refuses_plain_http_from_other_addresses_unless_devhost_require_https_is_false(string? value, TransportSecurity expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DevHost:RequireHttps"] = value }).Build();

        Assert.Equal(expected, DevHostTransport.From(configuration));
    }

    [Fact]
    public void The_command_line_switch_turns_the_https_check_off()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--DevHost:RequireHttps=false"]).Build();

        Assert.Equal(TransportSecurity.Unchecked, DevHostTransport.From(configuration));
    }

    [Fact]
    public void Missing_queue_settings_take_the_functions_defaults()
    {
        var path = Write("host.json", """{ "version": "2.0" }""");

        Assert.Equal(QueueTriggerSettings.Defaults, QueueTriggerSettings.Load(path));
    }

    [Fact]
    public void New_batch_threshold_defaults_to_half_the_batch_size()
    {
        var path = Write("host.json", """{ "version": "2.0", "extensions": { "queues": { "batchSize": 10 } } }""");

        Assert.Equal(5, QueueTriggerSettings.Load(path).NewBatchThreshold);
    }

    [Theory]
    [InlineData("""{ "extensions": { "queues": { "messageEncoding": "none" } } }""", "base64")]
    [InlineData("""{ "extensions": { "queues": { "batchSize": 64 } } }""", "batchSize")]
    [InlineData("""{ "extensions": { "queues": { "batchSize": "ten" } } }""", "extensions.queues.batchSize (\"ten\") is not a whole number.")]
    [InlineData("""{ "extensions": { "queues": { "visibilityTimeout": "30s" } } }""", "extensions.queues.visibilityTimeout (\"30s\") is not a duration: use \"hh:mm:ss\"")]
    [InlineData("""{ "extensions": { "queues": { "maxDequeueCount": 5, } """, "is not valid JSON (line 1): fix it, or give another file with --DevHost:HostJson.")]
    public void Settings_the_devhost_cannot_honour_are_refused(string json, string named)
    {
        var ex = Assert.Throws<InvalidSettingsException>(() => QueueTriggerSettings.Load(Write("host.json", json)));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_settings_values_become_configuration_with_double_underscores_as_sections()
    {
        var path = Write("local.settings.json", """{ "IsEncrypted": false, "Values": { "AzureWebJobsStorage": "UseDevelopmentStorage=true", "Zapi__MaxBodyBytes": "1024" } }""");

        var configuration = new ConfigurationBuilder().AddLocalSettingsFile(path).Build();

        Assert.Equal("UseDevelopmentStorage=true", configuration["AzureWebJobsStorage"]);
        Assert.Equal("1024", configuration["Zapi:MaxBodyBytes"]);
    }

    [Fact]
    public void A_file_without_values_is_refused_saying_so()
    {
        var ex = Assert.Throws<InvalidSettingsException>(
            () => new ConfigurationBuilder().AddLocalSettingsFile(Write("x.json", """{ "Zapi": {} }""")));

        Assert.Contains("Values", ex.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
