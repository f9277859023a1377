namespace ZapiFunctions.Operations.ZapiApi;

/// <summary>A Z-API instance and its credentials. <see cref="ToString"/> never shows the tokens.</summary>
/// <param name="InstanceId">The instance id (Z-API panel, Instances).</param>
/// <param name="Token">The instance token: secret, part of every URL.</param>
/// <param name="ClientToken">The account security token, sent as the Client-Token header when the account enabled it.</param>
public sealed record ZapiInstance(string InstanceId, string Token, string? ClientToken)
{
    /// <summary>The relative path of an instance endpoint.</summary>
    public Uri Path(string endpoint) =>
        new($"instances/{Uri.EscapeDataString(InstanceId)}/token/{Uri.EscapeDataString(Token)}/{endpoint}", UriKind.Relative);

    /// <inheritdoc />
    public override string ToString() => $"ZapiInstance {{ InstanceId = {InstanceId}, Token = ***, ClientToken = {(ClientToken is null ? "none" : "***")} }}";
}
