using EventPlatform.Host;

var builder = WebApplication.CreateBuilder(args);
PlatformModules modules;
try
{
    modules = builder.AddPlatformModules();
}
catch (HostConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"eventplatform: {ex.Message}").ConfigureAwait(false);
    return 2;
}

var app = builder.Build();
app.UsePlatformModules(modules);
return await app.RunUntilStoppedAsync();
