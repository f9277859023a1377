using System.Reflection;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace ZapiFunctions.Functions.Tests;

public sealed class ErroredSendFunctionTests
{
    private static readonly MethodInfo Run = typeof(ErroredSendFunction).GetMethod(nameof(ErroredSendFunction.RunAsync))!;

    [Fact]
    public void The_trigger_reads_the_queue_named_by_the_setting_through_AzureWebJobsStorage()
    {
        var parameter = Run.GetParameters()[0];
        var trigger = parameter.GetCustomAttribute<QueueTriggerAttribute>()!;

        Assert.Equal("ErroredSend", Run.GetCustomAttribute<FunctionAttribute>()!.Name);
        Assert.Equal("%Zapi:ErroredSendsQueue%", trigger.QueueName);
        Assert.Equal("AzureWebJobsStorage", trigger.Connection);
        Assert.Equal(typeof(QueueMessage), parameter.ParameterType);
    }
}
