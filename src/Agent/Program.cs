using EventPlatform.Agent;

var context = AgentContext.FromEnvironment();
try
{
    return await CommandRunner.RunAsync(args, context, Console.Out);
}
#pragma warning disable CA1031 // Whatever broke, the platform must learn it was the agent, not the job: exit 125.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"eventplatform agent failed: {ex}");
    return CommandRunner.AgentFailure;
}
