using EventPlatform.EcsBridge.TaskEvents;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventPlatform.EcsBridge.Tests.TaskEvents;

/// <summary>One started MassTransit test harness with a <see cref="TaskEventIntake"/> publishing on its bus.</summary>
internal sealed class IntakeHarness : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    private IntakeHarness(ServiceProvider provider, ITestHarness harness, ITaskAttempts? taskAttempts)
    {
        this.provider = provider;
        Harness = harness;
        Intake = new TaskEventIntake(provider.GetRequiredService<IBus>(), NullLogger<TaskEventIntake>.Instance, taskAttempts);
    }

    public ITestHarness Harness { get; }

    public TaskEventIntake Intake { get; }

    /// <param name="taskAttempts">Where the intake finds an untagged event's attempt; none by default, as on one machine.</param>
    public static async Task<IntakeHarness> StartAsync(ITaskAttempts? taskAttempts = null)
    {
        var provider = new ServiceCollection()
            .AddMassTransitTestHarness()
            .BuildServiceProvider(validateScopes: true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return new IntakeHarness(provider, harness, taskAttempts);
    }

    public Task<TaskEventOutcome> AcceptAsync(EcsTaskStateChangeFixture change) => AcceptAsync(change.ToJson());

    public Task<TaskEventOutcome> AcceptAsync(string rawEvent) => Intake.AcceptAsync(rawEvent, Harness.CancellationToken);

    /// <summary>What has been published without fault so far, in order, without waiting for more.</summary>
    public IReadOnlyList<object> PublishedSoFar() =>
        [.. Harness.Published.Select(m => m.Exception is null, new CancellationToken(canceled: true)).Select(m => m.MessageObject)];

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await provider.DisposeAsync();
    }
}
