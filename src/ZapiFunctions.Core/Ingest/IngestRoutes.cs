namespace ZapiFunctions.Core.Ingest;

/// <summary>Where the ingest endpoint lives, shared by every host and checked against the infra's webhook URL output.</summary>
public static class IngestRoutes
{
    /// <summary>The route under the Functions route prefix (<c>api</c> in host.json).</summary>
    public const string OnSend = "zapi/on-send";

    /// <summary>The per-instance route, the shape of Z-API's own registration example; {instanceId} is the route value.</summary>
    public const string InstanceDelivery = "instance/{instanceId}/delivery";
}
