using EventPlatform.Contracts;
using EventPlatform.Projections.EventStore;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Projections.JobTimeline;
using EventPlatform.Projections.Maintenance;
using EventPlatform.Projections.QueueStats;
using EventPlatform.Projections.UserJobStats;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Weasel.Core;

namespace EventPlatform.Projections;

public static class ProjectionsModule
{
    public const string ConnectionStringName = "Postgres";

    /// <summary>
    /// The one Marten store every module writes through: job streams, their read models, and
    /// whatever documents other modules add with <c>ConfigureMarten</c>. Every process that
    /// appends job events needs it, because inline projections run in the appending transaction.
    /// </summary>
    public static IServiceCollection AddEventStore(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStore(configuration, projections: false);

    /// <summary>
    /// The Projections module: the event store, and Marten's async daemon for the asynchronous
    /// views when <c>EventStore:RunAsyncDaemon</c>, in HotCold mode: several processes may run it on
    /// one database, each view in the one that holds its lock (docs/adr/0003-async-daemon-solo.md).
    /// </summary>
    public static IServiceCollection AddProjections(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStore(configuration, projections: true);

    private static IServiceCollection AddStore(this IServiceCollection services, IConfiguration configuration, bool projections)
    {
        var settings = configuration.GetSection(EventStoreOptions.Section).Get<EventStoreOptions>() ?? new EventStoreOptions();
        var connectionString = configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set.");

        var marten = services.AddMarten(options =>
            {
                options.ConfigureEventStore(connectionString, settings.SchemaName);
                if (settings.SchemaCreation == SchemaCreation.Verify)
                {
                    options.AutoCreateSchemaObjects = AutoCreate.None;
                }
            })
            .UseLightweightSessions();
        if (settings.SchemaCreation == SchemaCreation.Apply)
        {
            marten.ApplyAllDatabaseChangesOnStartup();
        }

        if (projections && settings.RunAsyncDaemon)
        {
            marten.AddAsyncDaemon(DaemonMode.HotCold);
        }

        services.AddSingleton<ProjectionRebuilder>();
        services.AddSingleton<JobStatusAudit>();
        return services;
    }

    public static StoreOptions ConfigureEventStore(this StoreOptions options, string connectionString, string schemaName)
    {
        options.Connection(connectionString);
        options.DatabaseSchemaName = schemaName;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString);
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.AddEventTypes(ContractTypes.JobEvents);
        options.Projections.Add<JobStatusProjection>(ProjectionLifecycle.Inline);

        // Per-user questions (how many of my jobs wait?) stay index lookups as the table grows.
        // GET /jobs filters and pages on these: CreatedAt is a real timestamptz column so the
        // (created_at, id) keyset of its cursor is a plain row comparison; the GIN index serves
        // label containment (data @> {"Spec":{"Labels":{...}}}). FinishedAt is one too, indexed, so the
        // last hour's outcomes (GET /stats/throughput) read a range, not the table. See docs/adr/0013-read-side.md.
        options.Schema.For<JobStatusView>()
            .Index(x => x.UserId)
            .Index(x => x.State)
            .Index(x => x.Spec.Priority)
            .Duplicate(x => x.CreatedAt)
            .Duplicate(x => x.FinishedAt)
            .GinIndexJsonData();
        options.Projections.Add<JobTimelineProjection>(ProjectionLifecycle.Async);

        // Figures across jobs: async, each owning its rows, which a rebuild deletes and replays
        // (docs/adr/0016-figures-rebuild-and-audit.md).
        options.Projections.Add(
            new UserJobStatsProjection(),
            ProjectionLifecycle.Async,
            UserJobStatsProjection.ProjectionName,
            projection => projection.DeleteViewTypeOnTeardown<UserJobStatsView>());
        options.Projections.Add(
            new QueueStatsProjection(),
            ProjectionLifecycle.Async,
            QueueStatsProjection.ProjectionName,
            projection =>
            {
                projection.DeleteViewTypeOnTeardown<QueueStatsView>();
                projection.DeleteViewTypeOnTeardown<WaitingJob>();
            });
        options.Schema.For<UserJobStatsView>();
        options.Schema.For<QueueStatsView>();
        options.Schema.For<WaitingJob>().Duplicate(x => x.Since);
        return options;
    }
}
