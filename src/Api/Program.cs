using EventPlatform.Api.Admin.DeadLetters;
using EventPlatform.Api.Admin.Projections;
using EventPlatform.Api.Auth;
using EventPlatform.Api.Hosting;
using EventPlatform.Api.Jobs;
using EventPlatform.Api.Jobs.Submitting;
using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Api.Stats;
using EventPlatform.EcsBridge;
using EventPlatform.Projections;
using EventPlatform.Sagas;
using MassTransit;

var builder = WebApplication.CreateBuilder(args);

builder.AddPlatformDefaults();
builder.AddApiKeyAuth();
builder.AddSubmissionRateLimit();
builder.Services.AddEventStore(builder.Configuration);
builder.Services.AddSagas(builder.Configuration);
builder.Services.AddEcsBridge(builder.Configuration);
builder.Services.AddDeadLetters();
builder.Services.AddJobArtifacts(builder.Configuration);
builder.Services.AddMassTransit(bus =>
{
    bus.AddSagaConsumers();
    bus.AddEcsBridgeConsumers();
    bus.AddDeadLetterRecorders();
    bus.UsePlatformTransport(builder.Configuration);
});

var app = builder.Build();
app.UsePlatformDefaults();
app.MapJobsApi();
app.MapDeadLetters();
app.MapProjectionsAdmin();
app.MapStats();

return await app.RunUntilStoppedAsync();
