using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;

namespace ZapiFunctions.Cli;

/// <summary>
/// Storage and app settings, read exactly like the app reads them: <c>AzureWebJobsStorage</c> (connection string, or
/// identity-based <c>AzureWebJobsStorage__accountName</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c> with
/// DefaultAzureCredential) and the <c>Zapi__*</c> names, from a local.settings.json file and environment variables.
/// </summary>
internal sealed class CliSettings : IDisposable
{
    private static readonly string[] DefaultSettingsFiles = ["local.settings.json", "local.settings.sample.json"];

    private readonly ServiceProvider _services;

    private CliSettings(ServiceProvider services, string source)
    {
        _services = services;
        Source = source;
    }

    /// <summary>Where the settings came from, for messages.</summary>
    public string Source { get; }

    public ZapiOptions Options => _services.GetRequiredService<IOptions<ZapiOptions>>().Value;

    public QueueServiceClient Queues => _services.GetRequiredService<QueueServiceClient>();

    public TableClient ErroredSendsTable =>
        _services.GetRequiredService<TableServiceClient>().GetTableClient(Options.ErroredSendsTable);

    /// <summary>
    /// Loads <paramref name="settingsFile"/> if given, else ./local.settings.json, else ./local.settings.sample.json
    /// (so the tool works against the local Azurite from the repository root), else nothing; environment variables
    /// override the file.
    /// </summary>
    public static CliSettings Load(string? settingsFile)
    {
        var builder = new ConfigurationBuilder();
        var file = settingsFile
            ?? DefaultSettingsFiles.FirstOrDefault(File.Exists);
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new UsageException($"Settings file '{file}' does not exist.");
            }

            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        }

        var fileConfiguration = builder.Build();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(fileConfiguration.GetSection("Values").AsEnumerable(makePathsRelative: true)
                .Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), kv.Value)))
            .AddEnvironmentVariables()
            .Build();

        var services = new ServiceCollection().AddLogging();
        try
        {
            services.AddZapiOptions(configuration).AddZapiStorageQueues(configuration).AddZapiStorageTables(configuration);
        }
        catch (InvalidOperationException ex)
        {
            throw new UsageException(ex.Message + " (from the environment, or a local.settings.json given with --settings)", ex);
        }

        return new CliSettings(services.BuildServiceProvider(), file is null ? "environment variables" : file + " and environment variables");
    }

    public void Dispose() => _services.Dispose();
}
