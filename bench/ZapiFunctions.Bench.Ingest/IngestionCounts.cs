using System.IO.Compression;
using System.Text;

namespace ZapiFunctions.Bench.Ingest;

/// <summary>What the fake ingestion endpoint received, as <c>GET /stats</c> returns it.</summary>
internal sealed record IngestionStats(Dictionary<string, long> Items, long Bytes, long PostedBytes, long IngestSpans)
{
    public long Count(string kind) => Items.TryGetValue(kind, out var n) ? n : 0;

    public long Total => Items.Values.Sum();
}

/// <summary>Items by kind (their <c>baseType</c>, e.g. RequestData) and bytes, thread-safe.</summary>
internal sealed class IngestionCounts
{
    private static readonly byte[] BaseType = "\"baseType\":\""u8.ToArray();
    private static readonly byte[] IngestSpan = "\"name\":\"zapi.ingest\""u8.ToArray();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _items = new(StringComparer.Ordinal);
    private long _bytes;
    private long _posted;
    private long _ingestSpans;

    /// <summary>Counts one posted batch (JSON lines, gzip'd or not); returns its items.</summary>
    public int Add(byte[] body, string encoding)
    {
        // By its header or its magic number: whether the exporter compresses is its own choice.
        var gzip = encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase) || (body.Length > 2 && body[0] == 0x1f && body[1] == 0x8b);
        using var input = gzip
            ? (Stream)new GZipStream(new MemoryStream(body), CompressionMode.Decompress)
            : new MemoryStream(body);
        using var json = new MemoryStream();
        input.CopyTo(json);
        var lines = json.GetBuffer().AsSpan(0, (int)json.Length);
        var kinds = new List<string>();
        var ingestSpans = 0;
        foreach (var range in lines.Split((byte)'\n'))
        {
            var line = lines[range];
            if (line.IsEmpty)
            {
                continue;
            }

            // A search rather than a parse: this process shares the machine with the server being measured.
            var at = line.IndexOf(BaseType);
            var kind = "unknown";
            if (at >= 0)
            {
                var rest = line[(at + BaseType.Length)..];
                kind = Encoding.UTF8.GetString(rest[..Math.Max(0, rest.IndexOf((byte)'"'))]);
            }

            kinds.Add(kind);
            if (line.IndexOf(IngestSpan) >= 0)
            {
                ingestSpans++;
            }
        }

        lock (_lock)
        {
            foreach (var kind in kinds)
            {
                _items[kind] = _items.GetValueOrDefault(kind) + 1;
            }

            _bytes += json.Length;
            _posted += body.Length;
            _ingestSpans += ingestSpans;
        }

        return kinds.Count;
    }

    public IngestionStats Snapshot()
    {
        lock (_lock)
        {
            return new IngestionStats(new Dictionary<string, long>(_items, StringComparer.Ordinal), _bytes, _posted, _ingestSpans);
        }
    }
}
