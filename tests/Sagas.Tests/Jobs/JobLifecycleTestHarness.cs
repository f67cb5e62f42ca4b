using EventPlatform.Sagas.Jobs;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using JobStateMachine = EventPlatform.Sagas.Jobs.JobStateMachine;

namespace EventPlatform.Sagas.Tests.Jobs;

internal static class JobLifecycleTestHarness
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan TestInactivityTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The lifecycle saga on an in-memory bus and repository. That repository never commits, so the
    /// timers a transition sets stay on the saga (<see cref="JobState.Timers"/>) and nothing delivers
    /// them: a test fires a timer by publishing its message. Nor does anything write the line or the
    /// slots, or run the admission controller: a test admits an attempt by publishing its
    /// <see cref="EventPlatform.Contracts.Jobs.JobAdmitted"/>, and reads what a transition does to the
    /// line or the slot from <see cref="JobState.Admission"/>.
    /// </summary>
    public static IServiceCollection AddJobLifecycleTestHarness(
        this IServiceCollection services, TimeProvider clock, Action<JobLifecycleOptions> configure)
    {
        services.Configure(configure);
        services.AddSingleton(clock);
        services.Configure<TestHarnessOptions>(options =>
        {
            options.TestTimeout = TestTimeout;
            options.TestInactivityTimeout = TestInactivityTimeout;
        });

        return services.AddMassTransitTestHarness(x =>
            x.AddSagaStateMachine<JobStateMachine, JobState>().InMemoryRepository());
    }
}
