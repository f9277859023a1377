using ZapiFunctions.Bench.Ingest;

// Run by hand: dotnet run -c Release --project bench/ZapiFunctions.Bench.Ingest -- <command> [options]. See bench/README.md.
try
{
    return await BenchCommands.RunAsync(args);
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or FileNotFoundException or TimeoutException or FormatException)
{
    // What to fix, in one line (a missing tool or build, a bad option), rather than a stack trace.
    Console.Error.WriteLine($"bench: {e.Message}");
    return 1;
}
