using Microsoft.AspNetCore.Http;

namespace ZapiFunctions.Core.Http;

/// <summary>An <see cref="IResult"/> that adds one response header to another result (Allow, Retry-After).</summary>
public sealed class HeaderResult(IResult inner, string name, string value) : IResult, IStatusCodeHttpResult
{
    /// <summary>The wrapped result.</summary>
    public IResult Inner { get; } = inner;

    /// <summary>The header added.</summary>
    public KeyValuePair<string, string> Header { get; } = new(name, value);

    /// <inheritdoc />
    public int? StatusCode => (Inner as IStatusCodeHttpResult)?.StatusCode;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers[Header.Key] = Header.Value;
        return Inner.ExecuteAsync(httpContext);
    }
}
