using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>
/// The shape of a <c>POST /jobs</c> body as the API description shows it. The endpoint reads the body
/// with <see cref="SubmitJobRequest"/>, which enforces these rules and names each field it refuses.
/// </summary>
internal sealed record SubmitJobBody(
    [property: Description("The program and its arguments; the first item names the program."), MinLength(1)]
    IReadOnlyList<string> Command,
    [property: Description("Seconds the job may run before it ends as TimedOut (default 3600)."), Range(SubmitJobRequest.MinTimeoutSeconds, SubmitJobRequest.MaxTimeoutSeconds)]
    int? TimeoutSeconds = null,
    [property: Description("high, normal (default) or low.")]
    string? Priority = null,
    [property: Description("Environment variables for the command; names starting with EP_ or AWS_ are reserved.")]
    IReadOnlyDictionary<string, string>? Env = null,
    [property: Description("Attempts for retryable failures (default 3)."), Range(1, SubmitJobRequest.MaxAttempts)]
    int? MaxAttempts = null,
    [property: Description("Exit codes (1 to 255) of the command that earn another attempt.")]
    IReadOnlyList<int>? RetryOnExitCodes = null,
    [property: Description("What the task may use: cpu units (1024 = one vCPU), memoryMiB, cpuSeconds, maxProcesses, maxOpenFiles; each optional.")]
    SubmitJobLimits? Limits = null,
    [property: Description("Up to 20 key/value labels to filter the job list by (label=key:value); keys hold no ':'.")]
    IReadOnlyDictionary<string, string>? Labels = null);

internal sealed record SubmitJobLimits(int? Cpu = null, int? MemoryMiB = null, int? CpuSeconds = null, int? MaxProcesses = null, int? MaxOpenFiles = null);
