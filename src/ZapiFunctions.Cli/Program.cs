using ZapiFunctions.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await ZapiCli.RunAsync(args, new CliConsole(Console.Out, Console.Error, Environment.GetEnvironmentVariable, ErrorIsTerminal: !Console.IsErrorRedirected), cancel.Token);
