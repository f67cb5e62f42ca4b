using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using EventPlatform.Api.Http;
using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>
/// A <c>POST /jobs</c> body: what the API description shows, and what the endpoint reads. The ranges
/// given here are the ones <see cref="SubmitJobValidation"/> enforces.
/// </summary>
internal sealed record SubmitJobBody(
    [property: Description("The program and its arguments; the first item names the program."), MinLength(1)]
    IReadOnlyList<string> Command,
    [property: Description("Seconds the job may run before it ends as TimedOut (default 3600)."), Range(1, 86_400)]
    int? TimeoutSeconds = null,
    [property: Description("high, normal (default) or low.")]
    string? Priority = null,
    [property: Description("Environment variables for the command; names starting with EP_ or AWS_ are reserved.")]
    IReadOnlyDictionary<string, string>? Env = null,
    [property: Description("Attempts for retryable failures (default 3)."), Range(1, 10)]
    int? MaxAttempts = null,
    [property: Description("Exit codes (1 to 255) of the command that earn another attempt.")]
    IReadOnlyList<int>? RetryOnExitCodes = null,
    [property: Description("What the task may use: cpu units (1024 = one vCPU), memoryMiB, cpuSeconds, maxProcesses, maxOpenFiles; each optional.")]
    SubmitJobLimits? Limits = null,
    [property: Description("Up to 20 key/value labels to filter the job list by (label=key:value); keys hold no ':'.")]
    IReadOnlyDictionary<string, string>? Labels = null)
{
    public const int DefaultTimeoutSeconds = 3_600;

    /// <summary>Each field as the body gives it; a value of the wrong type stays unset and is named in <see cref="JsonFields.Unreadable"/>.</summary>
    public static SubmitJobBody From(JsonFields body) => new(
        body.Read<IReadOnlyList<string>>("command") ?? [],
        body.Read<int?>("timeoutSeconds"),
        body.Read<string>("priority"),
        body.Read<IReadOnlyDictionary<string, string>>("env"),
        body.Read<int?>("maxAttempts"),
        body.Read<IReadOnlyList<int>>("retryOnExitCodes"),
        body.Object("limits") is { } limits ? SubmitJobLimits.From(limits) : null,
        body.Read<IReadOnlyDictionary<string, string>>("labels"));

    /// <summary>The job as submitted, with the defaults for what the body left out; only for a valid body.</summary>
    public JobSpec ToSpec() => new(
        Command,
        TimeoutSeconds ?? DefaultTimeoutSeconds,
        Priority switch
        {
            "high" => JobPriority.High,
            "low" => JobPriority.Low,
            _ => JobPriority.Normal,
        },
        Env ?? new Dictionary<string, string>())
    {
        MaxAttempts = MaxAttempts ?? JobSpec.DefaultMaxAttempts,
        RetryOnExitCodes = [.. (RetryOnExitCodes ?? []).Distinct()],
        Limits = Limits?.ToJobLimits() ?? JobLimits.Default,
        Labels = Labels ?? new Dictionary<string, string>(),
    };
}

/// <summary>Each limit is optional; the ranges are what a Fargate task and a local sandbox can honour.</summary>
internal sealed record SubmitJobLimits(
    [property: Range(128, 16_384)] int? Cpu = null,
    [property: Range(64, 122_880)] int? MemoryMiB = null,
    [property: Range(1, 86_400)] int? CpuSeconds = null,
    [property: Range(1, 32_768)] int? MaxProcesses = null,
    [property: Range(16, 65_536)] int? MaxOpenFiles = null)
{
    public static SubmitJobLimits From(JsonFields limits) => new(
        limits.Read<int?>("cpu"),
        limits.Read<int?>("memoryMiB"),
        limits.Read<int?>("cpuSeconds"),
        limits.Read<int?>("maxProcesses"),
        limits.Read<int?>("maxOpenFiles"));

    public JobLimits ToJobLimits()
    {
        var defaults = JobLimits.Default;
        return defaults with
        {
            Cpu = Cpu ?? defaults.Cpu,
            MemoryMiB = MemoryMiB ?? defaults.MemoryMiB,
            CpuSeconds = CpuSeconds ?? defaults.CpuSeconds,
            MaxProcesses = MaxProcesses ?? defaults.MaxProcesses,
            MaxOpenFiles = MaxOpenFiles ?? defaults.MaxOpenFiles,
        };
    }
}
