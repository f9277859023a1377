using System.Buffers;
using System.Text;

namespace ZapiFunctions.DevHost.Telemetry;

/// <summary>
/// Standard output written in batches: lines are appended to a buffer and written together at most
/// <see cref="FlushDelay"/> after the first of them, in one write. The console logger writes, and wakes its writer
/// thread, once per line: at one line per callback that was a measurable share of the DevHost's CPU per callback under
/// load (bench/README.md, "Ingest"). A line is never held longer than <see cref="FlushDelay"/>, everything still
/// buffered is written on <see cref="Dispose"/> and at process exit, and a writer that falls more than
/// <see cref="MaxPendingChars"/> behind (a console that does not read) makes the callers write themselves, as the
/// console logger's own full queue does, rather than grow without bound.
/// </summary>
internal sealed class BatchedConsoleWriter : IDisposable
{
    /// <summary>How long the first line of a batch may wait for others.</summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Characters buffered before callers write themselves.</summary>
    public const int MaxPendingChars = 1 << 20;

    private readonly Stream _output;
    private readonly TimeSpan _delay;
    private readonly object _gate = new(); // Monitor: the flusher waits on it for a first line.
    private readonly Lock _writing = new();
    private readonly Thread _flusher;
    private StringBuilder _pending = new();
    private StringBuilder _spare = new();
    private bool _scheduled;
    private bool _disposed;

    public BatchedConsoleWriter(Stream output, TimeSpan? delay = null)
    {
        _output = output;
        _delay = delay ?? FlushDelay;
        _flusher = new Thread(FlushLoop) { IsBackground = true, Name = "DevHost console" };
        _flusher.Start();
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Appends whole lines (each ending with a newline); written within <see cref="FlushDelay"/>.</summary>
    public void Append(StringBuilder text)
    {
        bool overflowing;
        lock (_gate)
        {
            if (_disposed)
            {
                // After shutdown (a late log line): straight through, never lost.
                overflowing = true;
                _pending.Append(text);
            }
            else
            {
                _pending.Append(text);
                overflowing = _pending.Length > MaxPendingChars;
                if (!_scheduled)
                {
                    _scheduled = true;
                    Monitor.Pulse(_gate);
                }
            }
        }

        if (overflowing)
        {
            Flush();
        }
    }

    /// <summary>Writes whatever is buffered now.</summary>
    public void Flush()
    {
        lock (_writing)
        {
            StringBuilder batch;
            lock (_gate)
            {
                if (_pending.Length == 0)
                {
                    return;
                }

                batch = _pending;
                _pending = _spare;
                _spare = batch;
            }

            Write(batch);
            batch.Clear();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.Pulse(_gate);
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _flusher.Join(TimeSpan.FromSeconds(5));
        Flush();
    }

    private void OnProcessExit(object? sender, EventArgs e) => Flush();

    private void FlushLoop()
    {
        while (true)
        {
            lock (_gate)
            {
                while (!_scheduled && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (_disposed)
                {
                    return;
                }
            }

            // The batching itself: lines that arrive meanwhile share one write.
            Thread.Sleep(_delay);
            lock (_gate)
            {
                _scheduled = false;
            }

            Flush();
        }
    }

    private void Write(StringBuilder batch)
    {
        // Whole, so that a character split across the builder's chunks is encoded as one.
        var text = batch.ToString();
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, bytes);
            _output.Write(bytes, 0, length);
            _output.Flush();
        }
        catch (IOException)
        {
            // Standard output closed (the terminal went away): nothing to write to, and no reason to stop the host.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
