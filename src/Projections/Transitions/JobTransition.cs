using EventPlatform.Projections.JobStatus;
using JasperFx.Events;

namespace EventPlatform.Projections.Transitions;

/// <summary>What one event did to one job: its status before (null before its submission) and after.</summary>
public sealed record JobTransition(IEvent Event, JobStatusView? Before, JobStatusView After)
{
    public bool ChangesState => Before?.State != After.State;
}
