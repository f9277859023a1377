using Xunit;

namespace ZapiFunctions.Testing;

/// <summary>
/// The samples in <c>samples/callbacks/shapes</c> and what the app must record for each (the README there), in one
/// table, so the DevHost and the Functions app are held to the same expectations. Theories take <see cref="Files"/>,
/// the files actually in the folder, so a sample added without its expectation fails rather than goes untested.
/// </summary>
public static class CallbackShapes
{
    /// <summary>The instance whose per-instance URL the <c>per-instance*</c> samples are posted to.</summary>
    public const string PerInstanceId = "3C67AB641C8AA0412F6A2242B4E23AC7";

    /// <summary>The ledger partition of a callback that names no instance, in its body or its URL.</summary>
    public const string NoInstance = "(none)";

    private const string BodyInstanceId = "3C67AB641C8AA0412F6A2242B4E23AC7";
    private const long SampleMomment = 1777494009341;

    private static readonly Dictionary<string, CallbackShape> Expected = new CallbackShape[]
    {
        new("minimal.json", null, NoInstance, "A20DA9C0183A2D35A260F53F5D2B1001", null, null, ["messageId", "instanceId", "momment"], []),
        new("momment-as-string.json", null, BodyInstanceId, "3EB0F1C2D3E4F5A61009", null, SampleMomment, [], ["momment"]),
        new("per-instance-mismatch.json", PerInstanceId, "7D1E0C5B9A8F4E3D2C1B0A9F8E7D6C5B", "3EB0F1C2D3E4F5A61005", null, SampleMomment, [], []),
        new("per-instance.json", PerInstanceId, PerInstanceId, "3EB0F1C2D3E4F5A61004", null, SampleMomment, [], []),
        new("phone-as-number.json", null, BodyInstanceId, "3EB0F1C2D3E4F5A61006", null, SampleMomment, [], ["phone"]),
        new("with-custom-id.json", null, BodyInstanceId, "3EB0F1C2D3E4F5A61003", "order-123", SampleMomment, [], []),
        new("without-instance-id.json", null, NoInstance, "3EB0F1C2D3E4F5A61008", null, SampleMomment, ["instanceId"], []),
        new("without-momment.json", null, BodyInstanceId, "3EB0F1C2D3E4F5A61002", null, null, ["momment"], []),
    }.ToDictionary(s => s.File, StringComparer.Ordinal);

    /// <summary>The folder of the samples.</summary>
    public static string Folder { get; } = Path.Combine(RepositoryRoot.Path, "samples", "callbacks", "shapes");

    /// <summary>The file name of every sample in <see cref="Folder"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> FileNames =>
        [.. Directory.EnumerateFiles(Folder, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    /// <summary><see cref="FileNames"/> as a theory's MemberData.</summary>
    public static TheoryData<string> Files
    {
        get
        {
            var files = new TheoryData<string>();
            foreach (var file in FileNames)
            {
                files.Add(file);
            }

            return files;
        }
    }

    /// <summary>What the app must record for the sample <paramref name="file"/>.</summary>
    public static CallbackShape For(string file)
    {
        Assert.True(
            Expected.TryGetValue(file, out var shape),
            $"samples/callbacks/shapes/{file} has no expectation in {nameof(CallbackShapes)}: add what the app must record for it.");
        return shape;
    }
}

/// <summary>One sample of <c>samples/callbacks/shapes</c> and what the app must record for it.</summary>
/// <param name="File">The sample's file name.</param>
/// <param name="PathInstanceId">The instance of the per-instance URL it is posted to; null for the shared URL.</param>
/// <param name="PartitionKey">The ledger row's partition: the body's instance, else the URL's, else <see cref="CallbackShapes.NoInstance"/>.</param>
/// <param name="RowKey">The ledger row's key: <c>messageId</c>, else <c>zaapId</c>.</param>
/// <param name="CustomId">The row's <c>CustomId</c>, when the sample has one.</param>
/// <param name="Momment">The row's event time, when the sample gives one; null means when the callback was received.</param>
/// <param name="MissingFields">The envelope's <c>missingFields</c>, in the order the reader checks them.</param>
/// <param name="OddFields">The envelope's <c>oddFields</c>, in the order the reader checks them.</param>
public sealed record CallbackShape(
    string File,
    string? PathInstanceId,
    string PartitionKey,
    string RowKey,
    string? CustomId,
    long? Momment,
    IReadOnlyList<string> MissingFields,
    IReadOnlyList<string> OddFields)
{
    /// <summary>Every sample's destination, which the row keeps in full (as text even when sent as a JSON number).</summary>
    public const string Phone = "5511987654321";

    /// <summary>The URL path the sample is posted to, under the host's <c>api</c> prefix.</summary>
    public string Path => PathInstanceId is null ? "/api/zapi/on-send" : $"/api/instance/{PathInstanceId}/delivery";

    /// <summary>The sample's bytes as a sender posts them.</summary>
    public string Body() => System.IO.File.ReadAllText(System.IO.Path.Combine(CallbackShapes.Folder, File));
}
