using EventPlatform.Host;

var builder = WebApplication.CreateBuilder(args);
try
{
    if (HostModes.From(builder.Configuration, args) == HostMode.Migrate)
    {
        return await builder.MigrateAsync();
    }

    var modules = builder.AddPlatformModules();
    var app = builder.Build();
    await app.VerifySchemaAsync();
    app.UsePlatformModules(modules);
    return await app.RunUntilStoppedAsync();
}
catch (HostConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"eventplatform: {ex.Message}");
    return 2;
}
