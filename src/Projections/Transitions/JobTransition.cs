using EventPlatform.Projections.JobStatus;
using JasperFx.Events;

namespace EventPlatform.Projections.Transitions;

/// <summary>A change of state one event made to one job: its status before (null before its submission) and after.</summary>
public sealed record JobTransition(IEvent Event, JobStatusView? Before, JobStatusView After);
