namespace EventPlatform.Contracts.Agent;

/// <summary>The Agent's demo workloads: a job whose command is <c>["ep-builtin", NAME, ...]</c> runs one (<c>ep submit --builtin NAME</c>).</summary>
public static class BuiltinWorkloads
{
    public const string Command = "ep-builtin";

    public const string Cpu = "cpu";
    public const string Memory = "memory";
    public const string Io = "io";
    public const string Sleep = "sleep";
    public const string Fail = "fail";
    public const string ComputerUse = "computer-use";

    public static IReadOnlyList<string> Names { get; } = [Cpu, Memory, Io, Sleep, Fail, ComputerUse];
}
