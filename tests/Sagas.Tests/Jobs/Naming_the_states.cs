using EventPlatform.Contracts.Jobs;
using EventPlatform.Sagas.Jobs;
using Microsoft.Extensions.Options;
using JobStateMachine = EventPlatform.Sagas.Jobs.JobStateMachine;

namespace EventPlatform.Sagas.Tests.Jobs;

public class Naming_the_states
{
    [Test]
    public void Should_name_every_phase_a_user_sees_as_a_state_of_the_saga()
    {
        var machine = new JobStateMachine(Options.Create(new JobLifecycleOptions()), TimeProvider.System);

        var states = machine.States.Select(state => state.Name).ToList();

        Assert.That(states, Is.SupersetOf(Enum.GetNames<JobPhase>()));
        Assert.That(states.Except(Enum.GetNames<JobPhase>()), Is.EquivalentTo(new[] { "Initial", "Final", "CancelPending", "Cancelling" }));
    }
}
