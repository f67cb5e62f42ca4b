namespace EventPlatform.Contracts.Jobs;

/// <summary>
/// What a job's task may use. <see cref="Cpu"/> and <see cref="MemoryMiB"/> size the ECS task
/// (Fargate units); on one machine the sandbox enforces memory, CPU time, processes and open files.
/// </summary>
public sealed record JobLimits
{
    public const int DefaultCpu = 256;
    public const int DefaultMemoryMiB = 512;
    public const int DefaultMaxProcesses = 256;
    public const int DefaultMaxOpenFiles = 1024;

    public static JobLimits Default { get; } = new();

    /// <summary>CPU units (1024 = one vCPU).</summary>
    public int Cpu { get; init; } = DefaultCpu;

    public int MemoryMiB { get; init; } = DefaultMemoryMiB;

    /// <summary>CPU time the command may consume; none by default (the timeout bounds wall time).</summary>
    public int? CpuSeconds { get; init; }

    public int MaxProcesses { get; init; } = DefaultMaxProcesses;

    public int MaxOpenFiles { get; init; } = DefaultMaxOpenFiles;
}
