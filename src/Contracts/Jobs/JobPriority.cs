namespace EventPlatform.Contracts.Jobs;

public enum JobPriority
{
    High,
    Normal,
    Low,
}
