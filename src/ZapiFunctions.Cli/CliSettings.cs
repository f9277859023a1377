using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZapiFunctions.Core.Configuration;
using ZapiFunctions.Core.Fallback;
using ZapiFunctions.Operations.LocalSettings;
using ZapiFunctions.Operations.Privacy;

namespace ZapiFunctions.Cli;

/// <summary>
/// Storage and app settings, read exactly like the app reads them: <c>AzureWebJobsStorage</c> (connection string, or
/// identity-based <c>AzureWebJobsStorage__accountName</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c> with
/// DefaultAzureCredential) and the <c>Zapi__*</c> names, from a local.settings.json file and environment variables.
/// Each command checks only the settings it uses (<see cref="Options"/>, <see cref="Queues"/>, <see cref="Tables"/>,
/// <see cref="FallbackQueues"/>),
/// so a bad <c>Zapi__NotifyUrl</c> does not stop <c>zapi errored list</c>.
/// </summary>
internal sealed class CliSettings : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ServiceProvider _services;

    private CliSettings(IConfiguration configuration, string source)
    {
        _configuration = configuration;
        Source = source;
        _services = new ServiceCollection()
            .AddZapiStorage(configuration)
            .BuildServiceProvider();
    }

    /// <summary>Where the settings came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The storage queues; checks <c>AzureWebJobsStorage</c> first.</summary>
    public QueueServiceClient Queues
    {
        get
        {
            return Checked(() => _services.GetRequiredService<QueueServiceClient>());
        }
    }

    /// <summary>
    /// The storage queues without Base64 decoding, so a message in any encoding is read rather than failing the whole
    /// receive; checks <c>AzureWebJobsStorage</c> first.
    /// </summary>
    public QueueServiceClient UndecodedQueues
    {
        get
        {
            return Checked(() => _services.GetRequiredService<IAzureClientFactory<QueueServiceClient>>()
                .CreateClient(StorageServiceCollectionExtensions.UndecodedQueuesName));
        }
    }

    /// <summary>The storage tables; checks <c>AzureWebJobsStorage</c> first.</summary>
    public TableServiceClient Tables
    {
        get
        {
            return Checked(() => _services.GetRequiredService<TableServiceClient>());
        }
    }

    /// <summary>
    /// The fallback storage's queues (<c>ZapiFallbackStorage</c>); checks it first, and that it is set at all.
    /// </summary>
    public QueueServiceClient FallbackQueues
    {
        get
        {
            if (!FallbackStorage.IsConfigured(_configuration))
            {
                throw new UsageException(
                    $"{FallbackStorage.SettingName} is not set, so there is no fallback storage to read: set it as the app has it " +
                    $"(a connection string, or {FallbackStorage.SettingName}__accountName / __queueServiceUri).");
            }

            return Checked(() => _services.GetRequiredService<IAzureClientFactory<QueueServiceClient>>().CreateClient(FallbackStorage.QueueClientName));
        }
    }

    /// <summary>
    /// Loads <paramref name="settingsFile"/> if given, else local.settings.json (or local.settings.sample.json, which
    /// points at the local Azurite) from the current directory or, as the DevHost finds them, the repository root it
    /// is in; else nothing. Environment variables override the file. Every settings error says what was read.
    /// </summary>
    public static CliSettings Load(string? settingsFile)
    {
        var file = settingsFile ?? LocalRepository.SettingsFile(Directory.GetCurrentDirectory());
        var values = new List<KeyValuePair<string, string?>>();
        if (file is not null)
        {
            values.AddRange(ReadValues(file));
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values)
            .AddEnvironmentVariables()
            .Build();
        return new CliSettings(configuration, file is null
            ? $"environment variables only: no {string.Join(" or ", LocalRepository.SettingsFileNames)} here or at a repository root above, and no --settings"
            : file + " and environment variables");
    }

    /// <summary>
    /// The <c>Zapi</c> settings, after checking the ones named in <paramref name="properties"/> (property names of
    /// <see cref="ZapiOptions"/>); the others are not looked at.
    /// </summary>
    public ZapiOptions Options(params string[] properties)
    {
        var wanted = properties.Select(ZapiOptions.SettingName).ToHashSet(StringComparer.Ordinal);
        var options = ZapiOptionsBinding.Bind(_configuration);
        Check(ZapiOptionsProblems.Find(_configuration, options).Where(p => wanted.Contains(p.Setting)).Select(p => p.Message).ToList());
        return options;
    }

    public void Dispose() => _services.Dispose();

    /// <summary>One line per problem, each saying where the settings were read from (a missing file is the usual cause).</summary>
    private void Check(List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new UsageException(string.Join(Environment.NewLine, problems.Select(p => $"{p} (Settings read: {Source}.)")));
        }
    }

    /// <summary>A storage client; the setting it needs is checked when it is first made, and its problems are the usage error.</summary>
    private T Checked<T>(Func<T> client)
    {
        try
        {
            return client();
        }
        catch (OptionsValidationException ex)
        {
            Check(ex.Failures.ToList());
            throw;
        }
    }

    /// <summary>The file's <c>Values</c>, with <c>__</c> read as the section separator as the Functions host does.</summary>
    private static List<KeyValuePair<string, string?>> ReadValues(string file)
    {
        if (!File.Exists(file))
        {
            throw new UsageException($"Settings file '{file}' does not exist: give an existing local.settings.json with --settings.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new UsageException($"Settings file '{file}' is not valid JSON (line {ex.LineNumber + 1}): fix it, or give another file with --settings.", ex);
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException($"Settings file '{file}' has no \"Values\" object: use the local.settings.json format (see local.settings.sample.json).");
            }

            return values.EnumerateObject()
                .Select(v => KeyValuePair.Create(
                    v.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal),
                    v.Value.ValueKind == JsonValueKind.String ? v.Value.GetString() : v.Value.GetRawText()))
                .ToList();
        }
    }
}
