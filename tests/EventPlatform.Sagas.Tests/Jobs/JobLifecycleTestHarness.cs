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
    /// The lifecycle saga on an in-memory bus and repository, with the delayed message scheduler the
    /// harness adds by default carrying the run deadline.
    /// </summary>
    public static IServiceCollection AddJobLifecycleTestHarness(
        this IServiceCollection services, TimeProvider clock, TimeSpan runDeadlineGrace)
    {
        services.Configure<JobLifecycleOptions>(options => options.RunDeadlineGrace = runDeadlineGrace);
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
