using ZapiFunctions.Core.Ingest;

namespace ZapiFunctions.Cli.Commands;

/// <summary>Which of the app's two ingest URLs <see cref="WebhookUrl.Resolve"/> chose, or that it kept the one given.</summary>
internal enum WebhookUrlKind
{
    /// <summary><c>/api/instance/{id}/delivery</c>: the path names the instance, so a callback without one is still placed.</summary>
    PerInstance,

    /// <summary><c>/api/zapi/on-send</c>, shared by every instance.</summary>
    Shared,

    /// <summary>A path that is not the app's (a gateway, a proxy): registered exactly as given.</summary>
    AsGiven,
}

/// <summary>
/// The On send URL <c>zapi webhook register</c> registers, from the one given: the per-instance URL unless
/// <c>--shared</c>. Z-API's callbacks may leave out <c>instanceId</c>, and only the per-instance path still says which
/// instance sent them, so that is the default. The app's base URL, its shared URL and its per-instance URL with the
/// <c>{instanceId}</c> placeholder (the deployment's output) all name the same app and are rewritten; any other path is
/// the user's own and is kept.
/// </summary>
internal static class WebhookUrl
{
    /// <summary>The Functions route prefix (host.json <c>extensions.http.routePrefix</c>).</summary>
    private const string RoutePrefix = "/api/";

    /// <summary>The placeholder in the per-instance route, which the deployment's output keeps for the tool to fill.</summary>
    public const string Placeholder = "{instanceId}";

    /// <summary>The shared route's path.</summary>
    public const string SharedPath = RoutePrefix + IngestRoutes.OnSend;

    // Uri keeps paths escaped ('{' as %7B), so the placeholder is looked for in that form.
    private static readonly string EscapedPlaceholder = Uri.EscapeDataString(Placeholder);
    private static readonly string PerInstanceTemplate = RoutePrefix + IngestRoutes.InstanceDelivery.Replace(Placeholder, EscapedPlaceholder, StringComparison.Ordinal);
    private static readonly string[] PerInstanceParts = PerInstanceTemplate.Split(EscapedPlaceholder);

    /// <summary>The per-instance path of <paramref name="instanceId"/>, escaped as one path segment.</summary>
    public static string PerInstancePath(string instanceId) =>
        PerInstanceTemplate.Replace(EscapedPlaceholder, Uri.EscapeDataString(instanceId), StringComparison.Ordinal);

    /// <summary>
    /// The URL to register for <paramref name="instanceId"/>, query and fragment kept (the <c>?code=</c> function key).
    /// Throws <see cref="UsageException"/> for <paramref name="shared"/> with a path of the user's own holding the
    /// placeholder: the tool cannot tell which shared URL that path stands for.
    /// </summary>
    public static ResolvedWebhookUrl Resolve(Uri given, string instanceId, bool shared)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var path = given.AbsolutePath.TrimEnd('/');
        var isBase = path.Length == 0;
        var isShared = string.Equals(path, SharedPath, StringComparison.OrdinalIgnoreCase);
        var isTemplate = string.Equals(path, PerInstanceTemplate, StringComparison.OrdinalIgnoreCase);
        var namedInstance = NamedInstance(path);
        var hasPlaceholder = path.Contains(EscapedPlaceholder, StringComparison.OrdinalIgnoreCase);

        if (shared)
        {
            if (isBase || isShared || isTemplate || namedInstance is not null)
            {
                return new ResolvedWebhookUrl(
                    With(given, SharedPath), WebhookUrlKind.Shared, OtherFunction: isTemplate || namedInstance is not null, NamedInstance: null);
            }

            if (hasPlaceholder)
            {
                throw new UsageException(
                    $"--shared: the URL's path '{Uri.UnescapeDataString(given.AbsolutePath)}' is not the app's, so its shared URL is unknown; give the app's base URL or its {SharedPath} URL.");
            }

            return new ResolvedWebhookUrl(given, WebhookUrlKind.AsGiven, OtherFunction: false, NamedInstance: null);
        }

        if (isBase || isShared || isTemplate)
        {
            return new ResolvedWebhookUrl(
                With(given, PerInstancePath(instanceId)), WebhookUrlKind.PerInstance, OtherFunction: isShared, NamedInstance: null);
        }

        if (hasPlaceholder)
        {
            // A path of the user's own with the placeholder (a gateway's): filled where it stands.
            var filled = given.AbsolutePath.Replace(EscapedPlaceholder, Uri.EscapeDataString(instanceId), StringComparison.OrdinalIgnoreCase);
            return new ResolvedWebhookUrl(With(given, filled), WebhookUrlKind.PerInstance, OtherFunction: false, NamedInstance: null);
        }

        return new ResolvedWebhookUrl(
            given, namedInstance is null ? WebhookUrlKind.AsGiven : WebhookUrlKind.PerInstance, OtherFunction: false, namedInstance);
    }

    /// <summary>The instance a concrete per-instance path names (unescaped), else null.</summary>
    private static string? NamedInstance(string path)
    {
        var (start, end) = (PerInstanceParts[0], PerInstanceParts[1]);
        if (path.Length <= start.Length + end.Length
            || !path.StartsWith(start, StringComparison.OrdinalIgnoreCase)
            || !path.EndsWith(end, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var segment = path[start.Length..^end.Length];
        return segment.Contains('/', StringComparison.Ordinal) || segment.Contains(EscapedPlaceholder, StringComparison.OrdinalIgnoreCase)
            ? null
            : Uri.UnescapeDataString(segment);
    }

    private static Uri With(Uri given, string path) =>
        new(given.GetLeftPart(UriPartial.Authority) + path + given.Query + given.Fragment, UriKind.Absolute);
}

/// <summary>The URL to register and how it was chosen.</summary>
/// <param name="Url">The URL.</param>
/// <param name="Kind">Per-instance, shared, or the path as given.</param>
/// <param name="OtherFunction">
/// True when the URL given was the other function's (OnSend's or InstanceDelivery's): a function key is per function,
/// so its <c>?code=</c> opens this one only if it is a host key.
/// </param>
/// <param name="NamedInstance">The instance a per-instance URL given as such names, to compare with <c>--instance</c>.</param>
internal sealed record ResolvedWebhookUrl(Uri Url, WebhookUrlKind Kind, bool OtherFunction, string? NamedInstance);
