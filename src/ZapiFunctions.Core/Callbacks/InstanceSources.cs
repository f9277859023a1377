namespace ZapiFunctions.Core.Callbacks;

/// <summary>Where a callback's instance id came from (the <c>instance</c> tag of <c>zapi.callbacks.received</c>).</summary>
public static class InstanceSources
{
    /// <summary>Only the body's <c>instanceId</c> (the shared URL).</summary>
    public const string Body = "body";

    /// <summary>Only the per-instance URL: the body had none.</summary>
    public const string Path = "path";

    /// <summary>The body and the per-instance URL agree.</summary>
    public const string Match = "match";

    /// <summary>The body and the per-instance URL disagree: stored under the body's id, both recorded.</summary>
    public const string Mismatch = "mismatch";

    /// <summary>Neither: the callback has no instance.</summary>
    public const string None = "none";
}
