using System.Text.Json;
using ZapiFunctions.Core.Queueing;

namespace ZapiFunctions.UnitTests.Core.Queueing;

public sealed class EnvelopeFieldsTests
{
    [Theory]
    [InlineData("""{"messageId":"M-1"}""", "messageId", "M-1")]
    [InlineData("""{"phone":5511987654321}""", "phone", "5511987654321")]
    [InlineData("""{"momment":1.5e3}""", "momment", "1.5e3")]
    [InlineData("""{"messageId":""}""", "messageId", "")]
    [InlineData("""{"messageId":"M-1"}""", "zaapId", null)]
    [InlineData("""{"messageId":null}""", "messageId", null)]
    [InlineData("""{"messageId":true}""", "messageId", null)]
    [InlineData("""{"messageId":{"id":"M-1"}}""", "messageId", null)]
    [InlineData("""["messageId"]""", "messageId", null)]
    public void A_field_reads_as_text_when_a_string_or_a_number_and_null_otherwise(string callback, string name, string? expected)
    {
        using var json = JsonDocument.Parse(callback);
        var envelope = new CallbackEnvelope(CallbackEnvelope.SchemaName, CallbackEnvelope.CurrentVersion, DateTimeOffset.UnixEpoch, "req", null, json.RootElement.Clone());

        Assert.Equal(expected, EnvelopeFields.Text(envelope, name));
    }
}
