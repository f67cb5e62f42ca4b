using EventPlatform.Cli;

var context = new CliContext(EpClient.FromEnvironment, Console.Out, Console.Error)
{
    Interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected,
};
return await EpCommand.InvokeAsync(args, context).ConfigureAwait(false);
