using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Contracts.Tasks;

/// <summary>Asks the task launcher (ECS, or the local launcher) to run one attempt of a job.</summary>
public sealed record LaunchTask(Guid JobId, int Attempt, JobSpec Spec);
