using Microsoft.Azure.Functions.Worker.Builder;
using ZapiFunctions;

return ZapiFunctionsApp.Run(FunctionsApplication.CreateBuilder(args), Console.Error);
