namespace ZapiFunctions.UnitTests.Core.Support;

/// <summary>Callback bodies shaped like Z-API's documented examples.</summary>
internal static class SampleCallbacks
{
    public const string Phone = "554499999999";

    public const string Delivered = """
        {"phone":"554499999999","zaapId":"A20DA9C0183A2D35A260F53F5D2B9244","messageId":"3EB0C4F8E2A1B7D9","instanceId":"instance.id","momment":1777494009341,"type":"DeliveryCallback"}
        """;

    public const string Errored = """
        {"phone":"554499999999","zaapId":"B20DA9C0183A2D35A260F53F5D2B9244","messageId":"3EB0C4F8E2A1B7DA","instanceId":"instance.id","momment":1777494009341,"type":"DeliveryCallback","error":"Phone number does not exist"}
        """;

    public const string ShadowBan = """
        {"phone":"554499999999","zaapId":"C20DA9C0183A2D35A260F53F5D2B9244","messageId":"3EB0C4F8E2A1B7DB","instanceId":"instance.id","momment":1777494009341,"type":"DeliveryCallback","error":"The message was not sent due to a likely shadow ban","errorCode":"SHADOW_BAN"}
        """;
}
