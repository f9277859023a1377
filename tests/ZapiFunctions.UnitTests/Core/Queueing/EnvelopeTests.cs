using System.Text;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.UnitTests.Core.Queueing;

public sealed class EnvelopeTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 9, 30, 0, TimeSpan.FromHours(-3));

    [Fact]
    public void Round_trip_keeps_unknown_fields_and_exact_text()
    {
        const string callback = """{ "type": "DeliveryCallback", "momment": 1777494009341, "unknown": {"a": [1, 2.0, "\u00e9"]} }""";

        var message = EnvelopeWriter.Write(At, "req-1", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Encoding.UTF8.GetBytes(callback));
        var envelope = EnvelopeReader.Read(message);

        Assert.Equal(callback, envelope.Callback.GetRawText());
        Assert.Equal(At, envelope.ReceivedAt);
        Assert.Equal(TimeSpan.Zero, envelope.ReceivedAt.Offset);
        Assert.Equal("req-1", envelope.RequestId);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", envelope.TraceParent);
        Assert.Equal(CallbackEnvelope.SchemaName, envelope.Schema);
    }

    [Fact]
    public void A_utf8_bom_is_not_copied_into_the_envelope()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"type":"DeliveryCallback"}""")).ToArray();

        var envelope = EnvelopeReader.Read(EnvelopeWriter.Write(At, "r", null, bytes));

        Assert.Equal("""{"type":"DeliveryCallback"}""", envelope.Callback.GetRawText());
        Assert.Null(envelope.TraceParent);
    }

    [Theory]
    [InlineData("not json", "invalid JSON")]
    [InlineData("""{"phone":"1"}""", "schema")]
    [InlineData("""{"schema":"zapi-functions/callback-envelope","version":2,"receivedAt":"2026-05-01T00:00:00Z","requestId":"r","callback":{}}""", "version 2")]
    [InlineData("""{"schema":"zapi-functions/callback-envelope","version":1,"receivedAt":"2026-05-01T00:00:00Z","requestId":"r"}""", "callback")]
    public void Anything_but_a_current_envelope_is_refused_with_the_reason(string message, string reason)
    {
        var ex = Assert.Throws<InvalidEnvelopeException>(() => EnvelopeReader.Read(BinaryData.FromString(message)));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
