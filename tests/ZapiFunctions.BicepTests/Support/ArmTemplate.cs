using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZapiFunctions.BicepTests.Support;

/// <summary>
/// A compiled template (or a module's nested template) with the parameter values its caller passes, and just
/// enough of the ARM expression language to read names and settings: string/number literals, parameters(),
/// variables(), format(), string(), length(), copyIndex(), subscriptionResourceId(), replace(), empty(), if(), the
/// comparisons and logical functions, max()/min(), true()/false()/null(), createObject(), union() of objects,
/// coalesce(), tryGet(), filter() with a lambda() and its lambdaVariables(), property and index access.
/// Anything else (reference(), uniqueString(), guid(), …) evaluates to <see cref="Unresolved"/>.
/// </summary>
internal sealed class ArmTemplate
{
    public const string Unresolved = "⟨unresolved⟩";

    private readonly Dictionary<string, JsonNode?> _parameters;

    private ArmTemplate(JsonObject template, Dictionary<string, JsonNode?> parameters, string name)
    {
        Json = template;
        Name = name;
        _parameters = parameters;
    }

    public JsonObject Json { get; }

    public string Name { get; }

    public IEnumerable<JsonObject> Resources => Json["resources"]!.AsArray().Select(r => r!.AsObject());

    public static ArmTemplate Root(JsonObject template, IReadOnlyDictionary<string, JsonNode?>? parameters = null) =>
        new(template, parameters?.ToDictionary(p => p.Key, p => p.Value) ?? [], "main");

    /// <summary>The same template deployed with other parameter values (no rebuild).</summary>
    public ArmTemplate With(IReadOnlyDictionary<string, JsonNode?> parameters)
    {
        var merged = new Dictionary<string, JsonNode?>(_parameters);
        foreach (var (name, value) in parameters)
        {
            merged[name] = value;
        }

        return new ArmTemplate(Json, merged, Name);
    }

    /// <summary>
    /// The resources of <paramref name="type"/> this deployment creates: one per copy index of a loop, none when the
    /// resource's (or that index's) condition is false. <c>Index</c> is the copy index to evaluate the resource with.
    /// </summary>
    public IEnumerable<(JsonObject Resource, int Index)> Deployed(string type)
    {
        foreach (var resource in OfType(type))
        {
            var count = resource["copy"] is { } copy ? (int)Evaluate(copy["count"])!.GetValue<long>() : 1;
            for (var i = 0; i < count; i++)
            {
                if (resource["condition"] is not { } condition || IsTrue(Evaluate(condition, i)))
                {
                    yield return (resource, i);
                }
            }
        }
    }

    /// <summary>The nested template of module <paramref name="deploymentName"/>, with its parameters evaluated here.</summary>
    public ArmTemplate Module(string deploymentName)
    {
        var deployment = Resources.Single(r =>
            (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == deploymentName);
        var passed = new Dictionary<string, JsonNode?>();
        foreach (var (name, value) in deployment["properties"]!["parameters"]!.AsObject())
        {
            passed[name] = Evaluate(value!["value"]);
        }

        return new ArmTemplate(deployment["properties"]!["template"]!.AsObject(), passed, deploymentName);
    }

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>Output <paramref name="name"/> evaluated; an output loop (copy) gives the array of its items.</summary>
    public JsonNode? Output(string name)
    {
        var output = Json["outputs"]![name]!;
        if (output["copy"] is not { } copy)
        {
            return Evaluate(output["value"]);
        }

        var count = (int)Evaluate(copy["count"])!.GetValue<long>();
        return new JsonArray(Enumerable.Range(0, count).Select(i => Evaluate(copy["input"], i)).ToArray());
    }

    /// <summary>Evaluates every expression inside <paramref name="node"/>.</summary>
    public JsonNode? Evaluate(JsonNode? node, int copyIndex = 0) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => EvaluateString(text, copyIndex),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Evaluate(p.Value, copyIndex)))),
        JsonArray array => new JsonArray(array.Select(item => Evaluate(item, copyIndex)).ToArray()),
        _ => node?.DeepClone(),
    };

    /// <summary>Evaluates and returns a string (Unresolved when it depends on deployment-time values).</summary>
    public string String(JsonNode? node, int copyIndex = 0) => Evaluate(node, copyIndex) switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        null => string.Empty,
        var other => other.ToJsonString(),
    };

    private JsonNode? EvaluateString(string text, int copyIndex)
    {
        if (!text.StartsWith('[') || !text.EndsWith(']') || text.StartsWith("[[", StringComparison.Ordinal))
        {
            return JsonValue.Create(text.StartsWith("[[", StringComparison.Ordinal) ? text[1..] : text);
        }

        var parser = new Parser(text[1..^1], this, copyIndex);
        return parser.ParseExpression();
    }

    private JsonNode? Parameter(string name)
    {
        if (_parameters.TryGetValue(name, out var value))
        {
            return value?.DeepClone();
        }

        var declared = Json["parameters"]?[name];
        return declared?["defaultValue"] is { } defaultValue ? Evaluate(defaultValue) : JsonValue.Create(Unresolved);
    }

    private JsonNode? Variable(string name) => Evaluate(Json["variables"]?[name]);

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b)
        ? b
        : throw new InvalidOperationException($"Not a boolean: {node?.ToJsonString() ?? "null"}");

    private sealed class Parser(string text, ArmTemplate template, int copyIndex, IReadOnlyDictionary<string, JsonNode?>? lambdaVariables = null)
    {
        // A lambda() is kept unevaluated, as its variable name and body text, until filter() applies it to an item.
        private const string LambdaVariable = "⟨lambda variable⟩";
        private const string LambdaBody = "⟨lambda body⟩";

        private int _pos;

        public JsonNode? ParseExpression()
        {
            SkipSpace();
            JsonNode? value;
            if (Peek() == '\'')
            {
                value = JsonValue.Create(ReadString());
            }
            else if (char.IsDigit(Peek()) || Peek() == '-')
            {
                var start = _pos++;
                while (char.IsDigit(Peek()))
                {
                    _pos++;
                }

                value = JsonValue.Create(long.Parse(text[start.._pos], CultureInfo.InvariantCulture));
            }
            else
            {
                var name = ReadIdentifier();
                Expect('(');
                if (name.Equals("lambda", StringComparison.OrdinalIgnoreCase))
                {
                    return ReadLambda();
                }

                var args = new List<JsonNode?>();
                SkipSpace();
                while (Peek() != ')')
                {
                    args.Add(ParseExpression());
                    SkipSpace();
                    if (Peek() == ',')
                    {
                        _pos++;
                    }
                }

                Expect(')');
                value = Call(name, args);
            }

            while (true)
            {
                SkipSpace();
                if (Peek() == '.')
                {
                    _pos++;
                    var property = ReadIdentifier();
                    value = value is JsonObject obj ? obj[property]?.DeepClone() : JsonValue.Create(Unresolved);
                }
                else if (Peek() == '[')
                {
                    _pos++;
                    var index = ParseExpression();
                    Expect(']');
                    value = value is JsonArray array && index is JsonValue i && i.TryGetValue<long>(out var n)
                        ? array[(int)n]?.DeepClone()
                        : JsonValue.Create(Unresolved);
                }
                else
                {
                    return value;
                }
            }
        }

        private JsonNode? Call(string name, List<JsonNode?> args) => name.ToLowerInvariant() switch
        {
            "parameters" => template.Parameter(AsString(args[0])),
            "variables" => template.Variable(AsString(args[0])),
            "copyindex" => JsonValue.Create((long)copyIndex),
            "length" => args[0] is JsonArray a ? JsonValue.Create((long)a.Count) : JsonValue.Create(Unresolved),
            "string" => JsonValue.Create(AsString(args[0])),
            "format" => JsonValue.Create(Format(AsString(args[0]), args.Skip(1).Select(AsString).ToArray())),
            "replace" => JsonValue.Create(AsString(args[0]).Replace(AsString(args[1]), AsString(args[2]), StringComparison.Ordinal)),
            "subscriptionresourceid" => JsonValue.Create(
                $"/subscriptions/{Unresolved}/providers/{AsString(args[0])}/{string.Join('/', args.Skip(1).Select(AsString))}"),
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "null" => null,
            "empty" => JsonValue.Create(args[0] switch
            {
                null => true,
                JsonArray a => a.Count == 0,
                JsonObject o => o.Count == 0,
                _ => AsString(args[0]).Length == 0,
            }),
            "if" => IsTrue(args[0]) ? args[1] : args[2],
            "not" => JsonValue.Create(!IsTrue(args[0])),
            "and" => JsonValue.Create(args.All(IsTrue)),
            "or" => JsonValue.Create(args.Any(IsTrue)),
            "equals" => JsonValue.Create(JsonNode.DeepEquals(args[0], args[1])),
            "greater" => JsonValue.Create(Number(args[0]) > Number(args[1])),
            "greaterorequals" => JsonValue.Create(Number(args[0]) >= Number(args[1])),
            "less" => JsonValue.Create(Number(args[0]) < Number(args[1])),
            "lessorequals" => JsonValue.Create(Number(args[0]) <= Number(args[1])),
            "createobject" => new JsonObject(args.Chunk(2).Select(pair => KeyValuePair.Create(AsString(pair[0]), pair[1]?.DeepClone()))),
            "union" => args.All(a => a is JsonObject)
                ? new JsonObject(args.Cast<JsonObject>().SelectMany(o => o).GroupBy(p => p.Key).Select(g => KeyValuePair.Create(g.Key, g.Last().Value?.DeepClone())))
                : JsonValue.Create(Unresolved),
            "coalesce" => args.FirstOrDefault(a => a is not null)?.DeepClone(),
            "tryget" => TryGet(args[0], args.Skip(1)),
            "filter" => args[0] is JsonArray items && args[1] is JsonObject lambda
                ? new JsonArray(items.Where(item => IsTrue(Apply(lambda, item))).Select(item => item?.DeepClone()).ToArray())
                : JsonValue.Create(Unresolved),
            "lambdavariables" => lambdaVariables is not null && lambdaVariables.TryGetValue(AsString(args[0]), out var bound)
                ? bound?.DeepClone()
                : JsonValue.Create(Unresolved),
            "max" => JsonValue.Create(args.Max(Number)),
            "min" => JsonValue.Create(args.Min(Number)),
            _ => JsonValue.Create(Unresolved),
        };

        /// <summary>lambda('name', body): the body's text, up to the closing parenthesis, to evaluate per item.</summary>
        private JsonObject ReadLambda()
        {
            var variable = AsString(ParseExpression());
            Expect(',');
            var start = _pos;
            var depth = 0;
            var quoted = false;
            while (quoted || depth > 0 || Peek() != ')')
            {
                var c = text[_pos++];
                if (c == '\'')
                {
                    quoted = !quoted;
                }
                else if (!quoted && (c == '(' || c == '['))
                {
                    depth++;
                }
                else if (!quoted && (c == ')' || c == ']'))
                {
                    depth--;
                }
            }

            var body = text[start.._pos];
            Expect(')');
            return new JsonObject { [LambdaVariable] = variable, [LambdaBody] = body };
        }

        private JsonNode? Apply(JsonObject lambda, JsonNode? item)
        {
            var variables = new Dictionary<string, JsonNode?>(lambdaVariables ?? new Dictionary<string, JsonNode?>())
            {
                [(string)lambda[LambdaVariable]!] = item,
            };
            return new Parser((string)lambda[LambdaBody]!, template, copyIndex, variables).ParseExpression();
        }

        /// <summary>tryGet(value, key…): null where a key is missing, Unresolved where the value is not known here.</summary>
        private static JsonNode? TryGet(JsonNode? node, IEnumerable<JsonNode?> keys)
        {
            foreach (var key in keys)
            {
                node = node switch
                {
                    null => null,
                    JsonObject obj => obj[AsString(key)],
                    JsonArray array when key is JsonValue i && i.TryGetValue<long>(out var n) => n < array.Count ? array[(int)n] : null,
                    _ => JsonValue.Create(Unresolved),
                };
                if (node is JsonValue v && v.TryGetValue<string>(out var s) && s == Unresolved)
                {
                    return node.DeepClone();
                }
            }

            return node?.DeepClone();
        }

        private static long Number(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? long.Parse(v.ToJsonString(), CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Not a number: {node?.ToJsonString() ?? "null"}");

        private static string Format(string format, string[] args)
        {
            var builder = new StringBuilder();
            for (var i = 0; i < format.Length; i++)
            {
                // {{ and }} are literal braces, as Bicep writes a '{' or '}' of the interpolated text.
                if ((format[i] == '{' || format[i] == '}') && i + 1 < format.Length && format[i + 1] == format[i])
                {
                    builder.Append(format[i]);
                    i++;
                }
                else if (format[i] == '{' && i + 2 < format.Length && char.IsDigit(format[i + 1]))
                {
                    var close = format.IndexOf('}', i);
                    builder.Append(args[int.Parse(format[(i + 1)..close], CultureInfo.InvariantCulture)]);
                    i = close;
                }
                else
                {
                    builder.Append(format[i]);
                }
            }

            return builder.ToString();
        }

        private static string AsString(JsonNode? node) => node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v => v.ToJsonString(),
            null => string.Empty,
            _ => node.ToJsonString(),
        };

        private string ReadString()
        {
            Expect('\'');
            var builder = new StringBuilder();
            while (true)
            {
                var c = text[_pos++];
                if (c == '\'')
                {
                    if (Peek() == '\'')
                    {
                        builder.Append('\'');
                        _pos++;
                        continue;
                    }

                    return builder.ToString();
                }

                builder.Append(c);
            }
        }

        private string ReadIdentifier()
        {
            SkipSpace();
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_'))
            {
                _pos++;
            }

            return text[start.._pos];
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                throw new FormatException($"Expected '{c}' at {_pos} in [{text}]");
            }

            _pos++;
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < text.Length && text[_pos] == ' ')
            {
                _pos++;
            }
        }
    }
}
