namespace ZapiFunctions.Core.Callbacks;

/// <summary>Why a body is not an acceptable DeliveryCallback.</summary>
public enum CallbackRejection
{
    /// <summary>Not JSON, or JSON whose root is not an object.</summary>
    MalformedJson,

    /// <summary>A required field is absent or null.</summary>
    MissingField,

    /// <summary>A field has the wrong JSON type or an unusable value.</summary>
    InvalidField,

    /// <summary>Valid JSON from another Z-API webhook (ReceivedCallback, MessageStatusCallback, …).</summary>
    UnexpectedType,

    /// <summary>A known field given twice: readers that take the first and the last value would disagree.</summary>
    AmbiguousField,
}

/// <summary>The outcome of <see cref="CallbackParser"/>: a callback, or a rejection that says what to fix.</summary>
public sealed class CallbackParseResult
{
    private CallbackParseResult(
        DeliveryCallback? callback, CallbackRejection? rejection, string? field, string? detail, string? type = null)
    {
        Callback = callback;
        Rejection = rejection;
        Field = field;
        Detail = detail;
        Type = type;
    }

    /// <summary>The parsed callback, when accepted.</summary>
    public DeliveryCallback? Callback { get; }

    /// <summary>Why it was rejected, when rejected.</summary>
    public CallbackRejection? Rejection { get; }

    /// <summary>The JSON field at fault, if one is.</summary>
    public string? Field { get; }

    /// <summary>A sentence for the caller saying what is wrong.</summary>
    public string? Detail { get; }

    /// <summary>The <c>type</c> the body named, when it named one (for counting misrouted webhooks by type).</summary>
    public string? Type { get; }

    internal static CallbackParseResult Accepted(DeliveryCallback callback) => new(callback, null, null, null);

    internal static CallbackParseResult Rejected(CallbackRejection rejection, string? field, string detail, string? type = null) =>
        new(null, rejection, field, detail, type);
}
