using System.Diagnostics;
using ZapiFunctions.Testing;

namespace ZapiFunctions.IntegrationTests.Testing;

/// <summary>
/// The test assemblies run in parallel processes that all start servers on ports from <see cref="LoopbackPort"/>:
/// a port one process holds must not be handed to another.
/// </summary>
public sealed class LoopbackPortTests
{
    [Fact]
    public async Task A_port_another_process_holds_is_not_handed_out_until_that_process_ends()
    {
        // flock(1) takes the same OS lock that LoopbackPort in another test process takes. It waits for the lock
        // rather than giving up (--nonblock): the poll below probes that lock itself, and a probe that held it for its
        // instant when flock started would leave nothing holding it (the likely cause of one timeout on a loaded machine).
        var contested = NextUnclaimed(LoopbackPort.Free());
        using var holder = Process.Start(new ProcessStartInfo("flock", [LoopbackPort.ClaimFile(contested), "sleep", "60"])
        {
            RedirectStandardError = true,
        })!;
        try
        {
            await Poll.UntilAsync(
                () => Task.FromResult(IsLockedElsewhere(contested)),
                locked => locked,
                TimeSpan.FromSeconds(10),
                $"flock holding port {contested}");

            var candidates = new Queue<int>([contested, contested, NextUnclaimed(contested)]);
            var handedOut = LoopbackPort.Free(candidates.Dequeue);

            Assert.NotEqual(contested, handedOut);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }

        // Once the holder has gone, the port can be handed out again.
        Assert.Equal(contested, LoopbackPort.Free(() => contested));
    }

    [Fact]
    public void A_port_is_never_handed_out_twice_by_one_process()
    {
        var first = LoopbackPort.Free();
        var candidates = new Queue<int>([first, first, NextUnclaimed(first)]);

        var second = LoopbackPort.Free(candidates.Dequeue);

        Assert.NotEqual(first, second);
    }

    private static int NextUnclaimed(int after)
    {
        for (var port = after + 1; ; port++)
        {
            if (!IsLockedElsewhere(port))
            {
                return port;
            }
        }
    }

    private static bool IsLockedElsewhere(int port)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LoopbackPort.ClaimFile(port))!);
        try
        {
            using var probe = new FileStream(LoopbackPort.ClaimFile(port), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
