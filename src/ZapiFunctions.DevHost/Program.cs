using ZapiFunctions.DevHost;

return DevHostApp.Run(args, Console.Error);
