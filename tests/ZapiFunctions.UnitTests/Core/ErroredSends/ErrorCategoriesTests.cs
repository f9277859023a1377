using System.Reflection;
using ZapiFunctions.Core.ErroredSends;

namespace ZapiFunctions.UnitTests.Core.ErroredSends;

public sealed class ErrorCategoriesTests
{
    [Fact]
    public void All_lists_every_category_once()
    {
        var declared = typeof(ErrorCategories).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);

        Assert.Equal(declared.Order(StringComparer.Ordinal), ErrorCategories.All.Order(StringComparer.Ordinal));
    }
}
