using System.Text.Json;
using ZapiFunctions.Cli;

namespace ZapiFunctions.IntegrationTests.Cli.Support;

/// <summary>Every <c>--json</c> output has one style: camelCase names, all the way down.</summary>
internal static class JsonStyle
{
    public static void AssertCamelCase(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Assert.True(char.IsLower(property.Name[0]), $"'{property.Name}' is not camelCase in {element}");
                    AssertCamelCase(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    AssertCamelCase(item);
                }

                break;
        }
    }
}
