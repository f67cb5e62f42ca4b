using System.Diagnostics.Metrics;
using System.Text.Json;
using EventPlatform.Sagas.Admission;
using EventPlatform.Sagas.DeadLetters;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Scheduling;
using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EventPlatform.Sagas.Telemetry;

/// <summary>
/// The lifecycle's levels (jobs per live state, slots against their caps, the oldest wait, timers,
/// dead letters), read by one query every <see cref="TelemetryGaugeOptions.Interval"/> and kept for the
/// exporters, so that a scrape never reaches the database and the cost does not grow with the jobs run.
/// </summary>
internal sealed partial class LifecycleGauges : PollingLoop
{
    /// <summary>The states a job can be in for a while; the ended ones are counted by <c>eventplatform.jobs.finished</c>.</summary>
    private static readonly string[] LiveStates =
    [
        nameof(JobStateMachine.Queued), nameof(JobStateMachine.Starting), nameof(JobStateMachine.Running), nameof(JobStateMachine.Cancelling),
    ];

    private readonly IDocumentStore store;
    private readonly AdmissionOptions admission;
    private readonly TelemetryGaugeOptions settings;
    private volatile Snapshot latest = Snapshot.Empty;

    public LifecycleGauges(
        IDocumentStore store,
        IMeterFactory meterFactory,
        IOptions<AdmissionOptions> admission,
        IOptions<TelemetryGaugeOptions> options,
        ILogger<LifecycleGauges> logger)
        : base(logger)
    {
        this.store = store;
        this.admission = admission.Value;
        settings = options.Value;
        var meter = meterFactory.Create(LifecycleMetrics.MeterName);
        meter.CreateObservableGauge("eventplatform.jobs.current", ObserveStates, "{job}", "Jobs in each live state (Queued, Starting, Running, Cancelling).");
        meter.CreateObservableGauge("eventplatform.admission.slots.used", () => latest.SlotsUsed, "{slot}", "Admission slots held by starting and running jobs.");
        meter.CreateObservableGauge("eventplatform.admission.slots.user_max", () => latest.MostSlotsOfOneUser, "{slot}", "The most slots any one user holds.");
        meter.CreateObservableGauge("eventplatform.admission.slots.limit", ObserveCaps, "{slot}", "The caps: global, and the default per user.");
        meter.CreateObservableGauge("eventplatform.queue.oldest_wait", () => latest.OldestWaitSeconds, "s", "How long the longest-waiting job has been in line (0 when none waits).");
        meter.CreateObservableGauge("eventplatform.timers.pending", () => latest.TimersPending, "{timer}", "Durable timers not yet acknowledged.");
        meter.CreateObservableGauge("eventplatform.timers.overdue", () => latest.OldestOverdueSeconds, "s", "How far past its due time the most overdue unpublished timer is (0 when none).");
        meter.CreateObservableGauge("eventplatform.dead_letters.waiting", () => latest.DeadLetters, "{message}", "Dead-lettered messages not re-driven.");
    }

    protected override string Activity => "Reading the lifecycle's gauges";

    protected override async Task<bool> RunRoundAsync(CancellationToken cancellationToken)
    {
        await SampleAsync(cancellationToken).ConfigureAwait(false);
        return false;
    }

    protected override Task WaitAsync(CancellationToken cancellationToken) => DelayAsync(settings.Interval, cancellationToken);

    internal async Task SampleAsync(CancellationToken cancellationToken)
    {
        var schema = store.Options.DatabaseSchemaName;
        var sagas = store.Options.FindOrResolveDocumentType(typeof(JobState)).TableName.QualifiedName;
        var queue = AdmissionTables.Name(schema, AdmissionTables.Queue);
        var slots = AdmissionTables.Name(schema, AdmissionTables.Slots);
        var timers = ScheduledMessageTable.QualifiedName(schema);
        var deadLetters = DeadLetterTable.QualifiedName(store);
        var sql = $"""
            select
              (select coalesce(json_object_agg(state, n), '{"{}"}'::json)::text from (
                 select data ->> 'CurrentState' as state, count(*) as n from {sagas}
                 where data ->> 'CurrentState' = any(@states) group by 1) s),
              (select count(*)::int from {slots}),
              (select coalesce(max(n), 0)::int from (select count(*) as n from {slots} group by user_id) u),
              (select coalesce(extract(epoch from now() - min(enqueued_at)), 0)::float8 from {queue}),
              (select count(*)::int from {timers}),
              (select coalesce(extract(epoch from now() - min(due_at)), 0)::float8 from {timers} where due_at <= now()),
              (select count(*)::int from {deadLetters} where redriven_at is null)
            """;
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("states", LiveStates);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var states = JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(0)) ?? [];
        latest = new Snapshot(
            LiveStates.ToDictionary(state => state, state => states.GetValueOrDefault(state)),
            reader.GetInt32(1),
            reader.GetInt32(2),
            reader.GetDouble(3),
            reader.GetInt32(4),
            reader.GetDouble(5),
            reader.GetInt32(6));
    }

    private IEnumerable<Measurement<long>> ObserveStates() =>
        latest.States.Select(state => new Measurement<long>(state.Value, new KeyValuePair<string, object?>("state", state.Key)));

    private IEnumerable<Measurement<int>> ObserveCaps() =>
    [
        new(admission.MaxRunning, new KeyValuePair<string, object?>("scope", "global")),
        new(admission.MaxRunningPerUser, new KeyValuePair<string, object?>("scope", "per_user")),
    ];

    private sealed record Snapshot(
        IReadOnlyDictionary<string, long> States,
        int SlotsUsed,
        int MostSlotsOfOneUser,
        double OldestWaitSeconds,
        int TimersPending,
        double OldestOverdueSeconds,
        int DeadLetters)
    {
        public static Snapshot Empty { get; } = new(LiveStates.ToDictionary(state => state, _ => 0L), 0, 0, 0, 0, 0, 0);
    }
}

public sealed class TelemetryGaugeOptions
{
    public const string Section = "Telemetry:Gauges";

    /// <summary>How often the lifecycle's levels are read from the database: one query each time.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    public bool Run { get; set; } = true;
}
