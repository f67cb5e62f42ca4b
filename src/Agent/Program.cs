using EventPlatform.Agent;
using EventPlatform.Agent.Builtins;

if (BuiltinCommand.IsChild(args))
{
    return await Workloads.RunAsync(args[1], args[2..], Console.Out, Console.Error, CancellationToken.None);
}

var context = AgentContext.FromEnvironment();
try
{
    return await AgentSession.RunAsync(args, context, Console.Out, TimeProvider.System);
}
#pragma warning disable CA1031 // Whatever broke, the platform must learn it was the agent, not the job: exit 125.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"eventplatform agent failed: {ex}");
    return CommandRunner.AgentFailure;
}
