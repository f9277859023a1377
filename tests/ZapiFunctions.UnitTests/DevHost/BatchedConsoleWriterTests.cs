using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using ZapiFunctions.DevHost.Telemetry;

namespace ZapiFunctions.UnitTests.DevHost;

public sealed class BatchedConsoleWriterTests
{
    [Fact]
    public void Lines_written_together_share_one_write_and_keep_their_order()
    {
        var output = new CountingStream();
        using (var writer = new BatchedConsoleWriter(output, TimeSpan.FromSeconds(30)))
        {
            for (var i = 0; i < 100; i++)
            {
                writer.Append(new StringBuilder($"line {i}\n"));
            }

            Assert.Equal(0, output.Writes); // held for the batch (30 s here), not written line by line
        }

        // Disposing writes what is left, in one write.
        Assert.Equal(1, output.Writes);
        Assert.Equal(string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i}\n")), output.Text);
    }

    [Fact]
    public void A_line_is_written_without_anyone_flushing_it()
    {
        var output = new CountingStream();
        using var writer = new BatchedConsoleWriter(output, TimeSpan.FromMilliseconds(1));

        writer.Append(new StringBuilder("Now listening on: http://127.0.0.1:7071\n"));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (output.Text.Length == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Yield();
        }

        Assert.Equal("Now listening on: http://127.0.0.1:7071\n", output.Text);
    }

    [Fact]
    public void A_console_that_does_not_keep_up_is_written_by_the_callers_rather_than_buffered_without_bound()
    {
        var output = new CountingStream();
        using var writer = new BatchedConsoleWriter(output, TimeSpan.FromSeconds(30));
        var line = new StringBuilder(new string('x', 1023) + "\n");

        for (var i = 0; i < (BatchedConsoleWriter.MaxPendingChars / 1024) + 1; i++)
        {
            writer.Append(line);
        }

        Assert.Equal(1, output.Writes);
        Assert.True(output.Text.Length > BatchedConsoleWriter.MaxPendingChars);
    }

    [Fact]
    public void Text_is_written_as_UTF_8_whole_characters()
    {
        var output = new CountingStream();
        using (var writer = new BatchedConsoleWriter(output, TimeSpan.FromSeconds(30)))
        {
            writer.Append(new StringBuilder("mensagem enviada: olá 👋\n"));
        }

        Assert.Equal("mensagem enviada: olá 👋\n", output.Text);
    }

    [Fact]
    public void The_DevHost_logs_to_the_console_through_its_batched_logger_only()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddDevHostLogging();

        var providers = builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider)).ToList();

        Assert.DoesNotContain(providers, d => d.ImplementationType == typeof(ConsoleLoggerProvider));
        Assert.Single(providers, d => d.ImplementationFactory is not null);
    }

    [Fact]
    public void A_logged_line_is_the_DevHost_format_written_on_dispose()
    {
        var output = new CountingStream();
        using (var provider = new BatchedConsoleLoggerProvider(new BatchedConsoleWriter(output, TimeSpan.FromSeconds(30))))
        {
            var logger = provider.CreateLogger("ZapiFunctions.Core.Ingest.OnSendHandler");
            logger.Log(LogLevel.Information, new EventId(2001), "Callback m-1 enqueued", null, (s, _) => s);
            logger.Log(LogLevel.Warning, new EventId(2002), "multi\nline", null, (s, _) => s);
        }

        Assert.Equal(
            "info: ZapiFunctions.Core.Ingest.OnSendHandler[2001] Callback m-1 enqueued\n"
            + "warn: ZapiFunctions.Core.Ingest.OnSendHandler[2002] multi line\n",
            output.Text.ReplaceLineEndings("\n"));
    }

    private sealed class CountingStream : MemoryStream
    {
        private readonly Lock _gate = new();

        public int Writes { get; private set; }

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return Encoding.UTF8.GetString(ToArray());
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                Writes++;
                base.Write(buffer, offset, count);
            }
        }
    }
}
