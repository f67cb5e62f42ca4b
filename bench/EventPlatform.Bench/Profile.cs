using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Bench;

/// <summary>
/// A sampled profile of the host during one stage (<c>./bench.sh --profile</c>): dotnet-trace's
/// thread-time sampling of every managed thread, summarised into where the host's busy samples
/// were — which libraries and which frames. EventPipe marks a sample CPU_TIME when the thread was
/// not blocked; that includes spinning and waiting for a GC to finish, which are shown apart.
/// </summary>
internal sealed class Profile : IDisposable
{
    private const string Busy = "CPU_TIME";

    /// <summary>
    /// What a busy sample says about the cost: a library is matched by the module a frame runs in
    /// (the part of its name before '!'), the runtime's waits by their method. A sample counts once
    /// per group whose frame is anywhere on its stack.
    /// </summary>
    private static readonly ProfileGroup[] Groups =
    [
        new("EventPlatform code", Modules: ["EventPlatform."]),
        new("MassTransit pipeline", Modules: ["MassTransit"]),
        new("Marten/Weasel/JasperFx", Modules: ["Marten", "Weasel", "JasperFx"]),
        new("Npgsql (PostgreSQL wire)", Modules: ["Npgsql"]),
        new("ASP.NET Core / Kestrel", Modules: ["Microsoft.AspNetCore"]),
        new("System.Text.Json", Modules: ["System.Text.Json"]),
        new("Serilog", Modules: ["Serilog"]),
        new("threads suspended for a GC", Methods: ["PollGC"]),
        new("thread pool spinning before it sleeps", Methods: ["LowLevelSpinWaiter", "LowLevelLifoSemaphore", "SpinWait"]),
        new("lock contention (Monitor)", Methods: ["Monitor.Enter_Slowpath"]),
    ];

    private readonly Process tracer;
    private readonly string output;

    private Profile(Process tracer, string output)
    {
        this.tracer = tracer;
        this.output = output;
    }

    public static Profile Start(Settings settings)
    {
        var folder = settings.TraceFolder!;
        Directory.CreateDirectory(folder);
        var output = Path.Combine(folder, "lifecycle.nettrace");
        var tool = Settings.Required("EP_BENCH_DOTNET_TRACE");
        var start = new ProcessStartInfo(tool)
        {
            ArgumentList = { "collect", "-p", settings.HostPid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time", "--format", "Speedscope", "-o", output },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        var tracer = Process.Start(start) ?? throw new InvalidOperationException("dotnet-trace did not start.");
        tracer.OutputDataReceived += (_, _) => { };
        tracer.ErrorDataReceived += (_, _) => { };
        tracer.BeginOutputReadLine();
        tracer.BeginErrorReadLine();
        return new Profile(tracer, output);
    }

    /// <summary>Stops the trace (dotnet-trace stops on SIGINT, like Ctrl-C) and summarises it.</summary>
    public async Task<ProfileSummary> StopAsync()
    {
        using (var interrupt = Process.Start("kill", ["-INT", tracer.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync().ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await tracer.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        var speedscope = Path.ChangeExtension(output, ".speedscope.json");
        await using var file = File.OpenRead(speedscope);
        using var document = await JsonDocument.ParseAsync(file).ConfigureAwait(false);
        return Summarise(document.RootElement, speedscope);
    }

    internal static ProfileSummary Summarise(JsonElement speedscope, string file)
    {
        var frames = speedscope.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString() ?? "").ToArray();
        var groups = new double[Groups.Length];
        var leaves = new Dictionary<string, double>();
        double busy = 0;
        foreach (var profile in speedscope.GetProperty("profiles").EnumerateArray())
        {
            var stack = new List<int>();
            double? last = null;
            foreach (var sample in profile.GetProperty("events").EnumerateArray())
            {
                var at = sample.GetProperty("at").GetDouble();
                if (last is { } since && at > since && stack.Count > 1 && frames[stack[^1]] == Busy)
                {
                    var span = at - since;
                    busy += span;
                    var leaf = frames[stack[^2]];
                    leaves[leaf] = leaves.GetValueOrDefault(leaf) + span;
                    for (var g = 0; g < Groups.Length; g++)
                    {
                        if (stack.Any(f => Groups[g].Matches(frames[f])))
                        {
                            groups[g] += span;
                        }
                    }
                }

                last = at;
                if (sample.GetProperty("type").GetString() == "O")
                {
                    stack.Add(sample.GetProperty("frame").GetInt32());
                }
                else if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }
            }
        }

        double Share(double value) => busy == 0 ? 0 : Math.Round(value / busy, 3);
        return new ProfileSummary(
            file,
            Math.Round(busy),
            Groups.Select((g, i) => new ProfileShare(g.Name, Share(groups[i]))).ToList(),
            leaves.OrderByDescending(p => p.Value).Take(15).Select(p => new ProfileShare(p.Key, Share(p.Value))).ToList());
    }

    public void Dispose() => tracer.Dispose();
}

internal sealed record ProfileGroup(string Name, string[]? Modules = null, string[]? Methods = null)
{
    public bool Matches(string frame)
    {
        var bang = frame.IndexOf('!', StringComparison.Ordinal);
        return (bang > 0 && Modules is not null && Modules.Any(m => frame.AsSpan(0, bang).StartsWith(m, StringComparison.Ordinal)))
            || (Methods is not null && Methods.Any(m => frame.Contains(m, StringComparison.Ordinal)));
    }
}

/// <param name="File">The speedscope file the summary was read from (open it in speedscope.app).</param>
/// <param name="BusyMs">Busy sample time over all threads, in ms.</param>
/// <param name="Groups">Share of busy samples with a frame of each group on the stack (they overlap).</param>
/// <param name="TopFrames">The frames that were running (top of stack) most often.</param>
internal sealed record ProfileSummary(string File, double BusyMs, IReadOnlyList<ProfileShare> Groups, IReadOnlyList<ProfileShare> TopFrames);

internal sealed record ProfileShare(string Name, double Share);
