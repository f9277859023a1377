using ZapiFunctions.Core.ErroredSends;
using C = ZapiFunctions.Core.ErroredSends.ErrorCategories;

namespace ZapiFunctions.UnitTests.Core.ErroredSends;

/// <summary>Every documented Z-API send error, as the docs print it, with its expected verdict.</summary>
public sealed class ErrorCatalogTests
{
    public static TheoryData<string, string, bool, string> Documented => new()
    {
        // Permissions / restrictions
        { "Did not have permission to send this message.", C.SendingRestricted, false, "do not resend" },
        { "Whatsapp rejected sending this message", C.SendingRestricted, true, "resend later" },
        { "Whatsapp did not allow sending this message", C.SendingRestricted, false, "standing" },
        { "The message was not sent due to a likely shadow ban", C.TemporaryRestriction, true, "shadow ban" },
        { "Does not have permission to send the message", C.SendingRestricted, false, "privacy" },
        { "You can't message this group as you don't have permission", C.SendingRestricted, false, "admin" },
        { "This type of message can only be sent in groups", C.InvalidRequest, false, "group" },
        { "You must accept buttons message terms in panel to send this message.", C.SendingRestricted, false, "Z-API panel" },

        // Timeout / connection
        { "Timeout on send message", C.Connection, true, "unstable" },
        { "Error on send message", C.Connection, true, "connected" },

        // Invalid number
        { "Phone number does not exist", C.InvalidNumber, false, "not on WhatsApp" },
        { "Message has not been sent because it got invalid phone number", C.InvalidNumber, false, "country code" },

        // Media / URLs
        { "Message not send caused by invalid media url", C.Media, false, "direct HTTPS link" },
        { "Got a 404 error while trying to send message", C.Media, false, "404" },
        { "The url informed is not a valid url in the media format, apparently it can be an html", C.Media, false, "HTML page" },
        { "Unsupported sticker format: image/png", C.Media, false, "WebP" },

        // Edit / time limits
        { "Message has not been edited because it has been more than 7 days", C.TimeLimit, false, "7 days" },
        { "Comment message has not been sent because it has more than 7 days", C.TimeLimit, false, "7 days" },

        // Products / catalogue
        { "Product message has not been sent because provided product id was not found.", C.Catalog, false, "product id" },
        { "Catalog message has not been sent because the catalog was not found.", C.Catalog, false, "catalogue" },
        { "Product message has not been sent because provided catalog phone must not be a lid.", C.Catalog, false, "@lid" },

        // Orders
        { "Order has not been sent because it received invalid currency code", C.Order, false, "ISO 4217" },
        { "Update order has not been sent because it received invalid request data.", C.Order, false, "order" },

        // Events / newsletters
        { "Newsletter poll vote was not sent because of missing identifier.", C.Event, false, "identifier" },
        { "Event edit message was not sent because the phone is not from a group.", C.Event, false, "groups" },
        { "Event edit message was not sent because receive invalid date time.", C.Event, false, "date" },

        // Status / forwarding / conversion
        { "Status reply has not been sent because the status message was not found", C.InvalidRequest, false, "24 h" },
        { "Message does not forward because it was not found", C.InvalidRequest, false, "message id" },
        { "Message has not been sent because an error occurred in the conversion", C.Media, false, "format" },
        { "Message has not been sent because it got invalid request params.", C.InvalidRequest, false, "parameters" },

        // Not available to channels
        { "ModifyChat not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Call not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Call with audio not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Document not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Button Response not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Ptv not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Location message not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Contacts not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Buttons Actions not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Buttons not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Buttons Link not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Options List not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Payment not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Chat Expiration not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "SendPinChatMessage not available to channels.", C.NotAvailableToChannels, false, "channel" },
        { "Pix button not available to channels.", C.NotAvailableToChannels, false, "channel" },

        // Queueing
        { "It was not possible to send message to queue due to request error.", C.Queue, true, "resend" },
    };

    [Theory]
    [MemberData(nameof(Documented))]
    public void Each_documented_error_has_its_category_retryability_and_advice(
        string error, string category, bool retryable, string advice)
    {
        var verdict = ErrorCatalog.Classify(error, null);

        Assert.Equal(category, verdict.Category);
        Assert.Equal(retryable, verdict.Retryable);
        Assert.Contains(advice, verdict.Advice, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void All_47_documented_texts_are_covered() => Assert.Equal(47, Documented.Count);

    [Theory]
    [InlineData("  phone number does not exist.  ")]
    [InlineData("PHONE NUMBER DOES NOT EXIST")]
    [InlineData("Phone number does not exist.")]
    public void Matching_ignores_case_surrounding_space_and_a_final_period(string error) =>
        Assert.Equal(C.InvalidNumber, ErrorCatalog.Classify(error, null).Category);

    [Fact]
    public void The_shadow_ban_error_code_decides_whatever_the_text()
    {
        var verdict = ErrorCatalog.Classify("some new wording", "SHADOW_BAN");

        Assert.Equal(C.TemporaryRestriction, verdict.Category);
        Assert.True(verdict.Retryable);
    }

    [Fact]
    public void An_unknown_error_code_falls_back_to_the_text() =>
        Assert.Equal(C.Connection, ErrorCatalog.Classify("Timeout on send message", "NEW_CODE").Category);

    [Theory]
    [InlineData("Something Z-API added next year")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_texts_are_unknown_not_retryable_and_say_to_extend_the_catalog(string? error)
    {
        var verdict = ErrorCatalog.Classify(error, null);

        Assert.Equal(C.Unknown, verdict.Category);
        Assert.False(verdict.Retryable);
        Assert.Contains("ErrorCatalog", verdict.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public void No_two_catalogue_rows_share_a_text() =>
        Assert.Equal(
            ErrorCatalog.Rows.Length,
            ErrorCatalog.Rows.Select(r => r.Text.ToUpperInvariant()).Distinct().Count());
}
