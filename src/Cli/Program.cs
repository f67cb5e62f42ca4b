using EventPlatform.Cli;

return await EpCommand.Create(EpClient.FromEnvironment, Console.Out, Console.Error).Parse(args).InvokeAsync().ConfigureAwait(false);
