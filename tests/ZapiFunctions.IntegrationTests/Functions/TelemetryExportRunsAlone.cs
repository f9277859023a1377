namespace ZapiFunctions.IntegrationTests.Functions;

/// <summary>
/// The telemetry export tests run alone: an ActivitySource's listeners are process-wide, so callbacks other tests send
/// through the app at the same time would be exported to this run's fake ingestion endpoint too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryExportRunsAlone
{
    public const string Name = "telemetry export";
}
