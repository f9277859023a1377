namespace ZapiFunctions.ReliabilityTests.Support;

/// <summary>
/// Polling at a fixed, short interval with a deadline, for the moments a test must act on promptly (a kill in the
/// middle of a batch); <see cref="ZapiFunctions.Testing.Poll"/> backs off to half a second, which overshoots them.
/// </summary>
public static class FastPoll
{
    public static async Task<T> EveryAsync<T>(TimeSpan interval, Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        using var timeout = new CancellationTokenSource(deadline);
        using var timer = new PeriodicTimer(interval);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            try
            {
                await timer.WaitForNextTickAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {deadline} waiting for {what} (last: {value}).");
            }
        }
    }
}
