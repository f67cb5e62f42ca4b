using System.Globalization;
using System.Text;

namespace EventPlatform.EndToEndTests.Fuzzing;

/// <summary>The resident memory of the host process serving a port, read from /proc as the kernel counts it.</summary>
internal sealed class HostMemory(int pid)
{
    public int Pid => pid;

    /// <summary>The host started for <paramref name="server"/>: the process whose command line is the host's with that address.</summary>
    public static HostMemory Of(Uri server)
    {
        var address = $"http://{server.Host}:{server.Port}";
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var arguments = File.ReadAllText(Path.Combine(directory, "cmdline"), Encoding.UTF8).Split('\0');
                if (arguments.Any(a => a.EndsWith("EventPlatform.Host.dll", StringComparison.Ordinal)) && arguments.Contains(address))
                {
                    return new HostMemory(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read.
            }
        }

        throw new InvalidOperationException($"No host process serves {address}.");
    }

    /// <summary>VmRSS (now) and VmHWM (the peak so far), in MiB.</summary>
    public (long ResidentMiB, long PeakMiB) Read()
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        return (Kilobytes(status, "VmRSS:") / 1024, Kilobytes(status, "VmHWM:") / 1024);
    }

    private static long Kilobytes(string[] status, string field) =>
        long.Parse(status.Single(line => line.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
}
