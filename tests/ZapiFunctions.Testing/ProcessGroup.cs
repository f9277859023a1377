using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ZapiFunctions.Testing;

/// <summary>
/// A script run as the leader of its own process group, with SIGINT at its default (as in a terminal), so a test
/// can press Ctrl+C (SIGINT to the whole group) and, at the end, kill whatever the script left running.
/// Linux only: members are read from /proc.
/// </summary>
public sealed class ProcessGroup : IAsyncDisposable
{
    private readonly Process _process;

    private ProcessGroup(Process process) => _process = process;

    /// <summary>The group's id: the leader's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Every line the leader and its children printed (stdout and stderr).</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <c>bash <paramref name="script"/> <paramref name="args"/></c> in <paramref name="workingDirectory"/>.
    /// perl (part of every Debian base system) makes the new group and restores SIGINT's default disposition,
    /// which the test host may have inherited as ignored, then execs bash.
    /// </summary>
    public static ProcessGroup Start(string script, IEnumerable<string> args, string workingDirectory, IDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("perl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in new[] { "-e", "$SIG{INT} = 'DEFAULT'; setpgrp(0, 0) or die \"setpgrp: $!\"; exec @ARGV or die \"exec: $!\";", "bash", script })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("perl did not start");
        var group = new ProcessGroup(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) group.Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) group.Output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return group;
    }

    /// <summary>The command lines of the group's live processes (zombies excluded).</summary>
    public IReadOnlyList<string> Members()
    {
        var members = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && fields[2] == Id.ToString(CultureInfo.InvariantCulture))
                {
                    members.Add(File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim());
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }

        return members;
    }

    /// <summary>Ctrl+C: SIGINT to every process in the group, as a terminal sends it.</summary>
    public void Interrupt() => Signal("INT");

    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The script did not exit within {deadline}. Output:\n{string.Join('\n', Output)}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills everything left in the group and waits for the leader.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Members().Count > 0)
        {
            Signal("KILL");
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Signal(string signal)
    {
        // bash's built-in kill takes a negative id for a group.
        using var kill = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { "-c", $"kill -{signal} -- -{Id} 2>/dev/null || true" }, UseShellExecute = false })!;
        kill.WaitForExit();
    }
}
