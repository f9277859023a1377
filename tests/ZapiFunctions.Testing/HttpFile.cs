using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace ZapiFunctions.Testing;

/// <summary>
/// A reader of the .http format (VS Code REST Client, Visual Studio, Rider) as far as requests.http uses it:
/// <c>@name = value</c> file variables and <c>{{name}}</c> references, requests separated by <c>###</c> lines,
/// <c>#</c>/<c>//</c> comment lines before the request line (here <c># expect: &lt;status&gt;</c>), the request line,
/// headers, a blank line and a body, inline or <c>&lt; ./path</c> (a file relative to the .http file).
/// </summary>
public sealed partial class HttpFile
{
    private HttpFile(IReadOnlyDictionary<string, string> variables, IReadOnlyList<HttpFileRequest> requests)
    {
        Variables = variables;
        Requests = requests;
    }

    /// <summary>The file variables as written in the file.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; }

    public IReadOnlyList<HttpFileRequest> Requests { get; }

    /// <summary>Reads <paramref name="path"/>; <paramref name="overrides"/> replace file variables' values.</summary>
    public static HttpFile Parse(string path, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var lines = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<(string Title, List<string> Lines)> { (string.Empty, []) };
        foreach (var line in lines)
        {
            if (line.StartsWith("###", StringComparison.Ordinal))
            {
                blocks.Add((line[3..].Trim(), []));
            }
            else
            {
                blocks[^1].Lines.Add(line);
            }
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var parsed = new List<(string Title, int? Expect, string Method, string Url, List<(string, string)> Headers, string? Body, string? BodyFile)>();
        foreach (var (title, block) in blocks)
        {
            int? expect = null;
            var i = 0;
            for (; i < block.Count; i++)
            {
                var line = block[i].Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                if (Variable().Match(line) is { Success: true } variable)
                {
                    variables[variable.Groups["name"].Value] = variable.Groups["value"].Value.Trim();
                }
                else if (Expect().Match(line) is { Success: true } expected)
                {
                    expect = int.Parse(expected.Groups["status"].Value, CultureInfo.InvariantCulture);
                }
                else if (!line.StartsWith('#') && !line.StartsWith("//", StringComparison.Ordinal))
                {
                    break;
                }
            }

            if (i == block.Count)
            {
                continue; // No request in this block (the preamble of variables and comments).
            }

            var request = RequestLine().Match(block[i].Trim());
            if (!request.Success)
            {
                throw new FormatException($"requests block '{title}': '{block[i]}' is not a request line (METHOD URL [HTTP/x])");
            }

            var headers = new List<(string, string)>();
            for (i++; i < block.Count && block[i].Trim().Length > 0; i++)
            {
                var colon = block[i].IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new FormatException($"requests block '{title}': '{block[i]}' is not a header (Name: value)");
                }

                headers.Add((block[i][..colon].Trim(), block[i][(colon + 1)..].Trim()));
            }

            var bodyLines = block.Skip(i + 1).ToList();
            while (bodyLines.Count > 0 && bodyLines[^1].Trim().Length == 0)
            {
                bodyLines.RemoveAt(bodyLines.Count - 1);
            }

            string? body = null;
            string? bodyFile = null;
            if (bodyLines.Count == 1 && bodyLines[0].StartsWith("< ", StringComparison.Ordinal))
            {
                bodyFile = Path.GetFullPath(Path.Combine(directory, bodyLines[0][2..].Trim()));
            }
            else if (bodyLines.Count > 0)
            {
                body = string.Join('\n', bodyLines);
            }

            parsed.Add((title, expect, request.Groups["method"].Value, request.Groups["url"].Value, headers, body, bodyFile));
        }

        var values = new Dictionary<string, string>(variables, StringComparer.Ordinal);
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        string Substitute(string text) => Reference().Replace(text, match =>
            values.TryGetValue(match.Groups["name"].Value, out var value)
                ? value
                : throw new FormatException($"requests.http refers to {{{{{match.Groups["name"].Value}}}}}, which it does not define"));

        return new HttpFile(
            variables,
            parsed.Select(r => new HttpFileRequest(
                r.Title,
                r.Expect,
                new HttpMethod(r.Method),
                new Uri(Substitute(r.Url)),
                r.Headers.Select(h => (h.Item1, Substitute(h.Item2))).ToList(),
                r.Body is null ? null : Substitute(r.Body),
                r.BodyFile)).ToList());
    }

    [GeneratedRegex(@"^@(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=(?<value>.*)$")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^#\s*expect:\s*(?<status>\d{3})\s*$")]
    private static partial Regex Expect();

    [GeneratedRegex(@"^(?<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE|CONNECT)\s+(?<url>\S+)(\s+HTTP/[0-9.]+)?$")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"\{\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}\}")]
    private static partial Regex Reference();
}

/// <summary>One request of a .http file, with variables substituted.</summary>
public sealed record HttpFileRequest(
    string Title,
    int? Expect,
    HttpMethod Method,
    Uri Url,
    IReadOnlyList<(string Name, string Value)> Headers,
    string? Body,
    string? BodyFile)
{
    /// <summary>The request as an <see cref="HttpRequestMessage"/>; a header HttpClient files under content goes there.</summary>
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Url);
        if (BodyFile is not null)
        {
            message.Content = new ByteArrayContent(File.ReadAllBytes(BodyFile));
        }
        else if (Body is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
        }

        foreach (var (name, value) in Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ByteArrayContent([]);
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
                }
                else
                {
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        return message;
    }
}
