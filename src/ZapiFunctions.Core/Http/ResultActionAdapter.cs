using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ZapiFunctions.Core.Http;

/// <summary>
/// Runs an <see cref="IResult"/> where only <see cref="IActionResult"/> is executed: the Functions worker's
/// ASP.NET Core integration executes returned <see cref="IActionResult"/>s but not <see cref="IResult"/>s.
/// </summary>
public sealed class ResultActionAdapter(IResult result) : IActionResult
{
    /// <summary>The adapted result.</summary>
    public IResult Result { get; } = result;

    /// <inheritdoc />
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Result.ExecuteAsync(context.HttpContext);
    }
}
