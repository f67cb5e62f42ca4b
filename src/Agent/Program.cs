using EventPlatform.Agent;

return await CommandRunner.RunAsync(args, AgentContext.FromEnvironment(), Console.Out);
