using System.Globalization;

namespace EventPlatform.Bench;

/// <summary>How busy the whole machine was (/proc/stat) and how much CPU the host used (/proc/pid/stat) over a stage.</summary>
internal sealed class CpuMeter(int hostPid)
{
    private static readonly long TicksPerSecond = 100;

    private readonly (long Busy, long Total) machineStart = Machine();
    private readonly long hostStart = Host(hostPid);

    public CpuUse Stop()
    {
        var (busy, total) = Machine();
        var host = Host(hostPid);
        return new CpuUse(
            Math.Round((double)(busy - machineStart.Busy) / Math.Max(1, total - machineStart.Total), 3),
            Math.Round((double)(host - hostStart) / TicksPerSecond, 2));
    }

    private static (long Busy, long Total) Machine()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        return (total - idle, total);
    }

    private static long Host(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

/// <param name="MachineBusy">Fraction of all cores' time not idle, for every process on the machine.</param>
/// <param name="HostCpuSeconds">User plus system CPU time the host process used.</param>
internal sealed record CpuUse(double MachineBusy, double HostCpuSeconds);

internal sealed record Measured<T>(T Run, CpuUse Cpu);
