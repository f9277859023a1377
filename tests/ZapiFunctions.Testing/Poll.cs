namespace ZapiFunctions.Testing;

/// <summary>Waits for a condition by polling with a deadline: no fixed sleeps.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var delay = TimeSpan.FromMilliseconds(25);
        Exception? last = null;
        while (true)
        {
            try
            {
                var value = await probe();
                if (done(value))
                {
                    return value;
                }
            }
#pragma warning disable CA1031 // Probing a service that is still starting: failures are expected until the deadline.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                last = ex;
            }

            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {deadline} waiting for {what}.", last);
            }

            try
            {
                await Task.Delay(delay, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Deadline reached: one last probe above decides.
            }

            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }
}
