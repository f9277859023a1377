using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions.Cli;

/// <summary>
/// How the tables of the tool show a callback's fields, which a sender may leave out: never an empty column, which
/// reads as a value nobody can find.
/// </summary>
internal static class CallbackText
{
    /// <summary>What a column shows for a field the callback did not carry.</summary>
    public const string Absent = "-";

    /// <summary>Null for a field the callback did not carry (tables store it as an empty string).</summary>
    public static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary><paramref name="value"/>, or <see cref="Absent"/>.</summary>
    public static string OrAbsent(string? value) => NonEmpty(value) ?? Absent;

    /// <summary>The instance, or <see cref="TableKeys.NoInstance"/>, the partition of callbacks that named none.</summary>
    public static string Instance(string? instanceId) => NonEmpty(instanceId) ?? TableKeys.NoInstance;

    /// <summary>
    /// The message column: the <c>messageId</c>, else the <c>zaapId</c> marked as such (the only id some callbacks
    /// carry; <c>zapi trace</c> takes either), else <see cref="Absent"/>.
    /// </summary>
    public static string Message(string? messageId, string? zaapId) =>
        NonEmpty(messageId) ?? (NonEmpty(zaapId) is { } zaap ? zaap + " (zaapId)" : Absent);
}
