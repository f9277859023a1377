using ZapiFunctions.Bench.Ingest;

// Run by hand: dotnet run -c Release --project bench/ZapiFunctions.Bench.Ingest -- <command> [options]. See bench/README.md.
return await BenchCommands.RunAsync(args);
