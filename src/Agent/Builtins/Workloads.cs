using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using EventPlatform.Agent.Png;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent.Builtins;

/// <summary>
/// The demo workloads behind <c>ep submit --builtin NAME</c>. Each prints plain lines (the agent
/// that started it relays them), takes optional whole-number arguments with bounded ranges, and
/// exits like a program would: 0, its own failure code, or 2 for arguments it cannot use.
/// </summary>
internal static class Workloads
{
    public const int BadArguments = 2;

    private const int MiB = 1024 * 1024;

    public static Task<int> RunAsync(string name, string[] arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken) => name switch
    {
        BuiltinWorkloads.Cpu => WithNumber(arguments, "seconds", 3, 1, 600, error, seconds => CpuAsync(seconds, output)),
        BuiltinWorkloads.Memory => WithNumber(arguments, "MiB", 64, 1, 8_192, error, mib => MemoryAsync(mib, output, cancellationToken)),
        BuiltinWorkloads.Io => WithNumber(arguments, "MiB", 16, 1, 1_024, error, mib => IoAsync(mib, output, error, cancellationToken)),
        BuiltinWorkloads.Sleep => WithNumber(arguments, "seconds", 5, 0, 86_400, error, seconds => SleepAsync(seconds, output, cancellationToken)),
        BuiltinWorkloads.Fail => WithNumber(arguments, "exit code", 1, 1, 255, error, code => FailAsync(code, error)),
        BuiltinWorkloads.ComputerUse => ComputerUseAsync(output, cancellationToken),
        _ => Unknown(name, error),
    };

    private static async Task<int> Unknown(string name, TextWriter error)
    {
        await error.WriteLineAsync($"ep-builtin: no workload '{name}'; known: {string.Join(", ", BuiltinWorkloads.Names)}.").ConfigureAwait(false);
        return BadArguments;
    }

    private static async Task<int> WithNumber(string[] arguments, string what, int fallback, int min, int max, TextWriter error, Func<int, Task<int>> run)
    {
        if (arguments.Length == 0)
        {
            return await run(fallback).ConfigureAwait(false);
        }

        if (arguments.Length == 1 && int.TryParse(arguments[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return await run(value).ConfigureAwait(false);
        }

        await error.WriteLineAsync($"ep-builtin: expected one optional argument, {what} from {min} to {max}.").ConfigureAwait(false);
        return BadArguments;
    }

    private static async Task<int> CpuAsync(int seconds, TextWriter output)
    {
        var threads = Environment.ProcessorCount;
        await output.WriteLineAsync($"cpu: busy on {threads} threads for {seconds} s").ConfigureAwait(false);
        var until = Stopwatch.GetTimestamp() + (seconds * Stopwatch.Frequency);
        var totals = await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(
            () => Spin(until),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default))).ConfigureAwait(false);
        await output.WriteLineAsync($"cpu: done, {totals.Sum():N0} rounds").ConfigureAwait(false);
        return 0;
    }

    private static long Spin(long until)
    {
        long rounds = 0;
        var x = 0x9E3779B97F4A7C15UL;
        while (Stopwatch.GetTimestamp() < until)
        {
            for (var i = 0; i < 10_000; i++)
            {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
            }

            rounds++;
        }

        return x == 0 ? -rounds : rounds;
    }

    private static async Task<int> MemoryAsync(int mib, TextWriter output, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"memory: allocating {mib} MiB").ConfigureAwait(false);
        var chunks = new List<byte[]>(mib);
        for (var i = 0; i < mib; i++)
        {
            var chunk = GC.AllocateUninitializedArray<byte>(MiB);
            for (var page = 0; page < chunk.Length; page += 4096)
            {
                chunk[page] = (byte)(i + page);
            }

            chunks.Add(chunk);
            if ((i + 1) % 256 == 0)
            {
                await output.WriteLineAsync($"memory: {i + 1} MiB touched").ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync($"memory: allocated and touched {mib} MiB").ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        GC.KeepAlive(chunks);
        return 0;
    }

    private static async Task<int> IoAsync(int mib, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Environment.CurrentDirectory, $"ep-io-{Guid.NewGuid():N}.bin");
        var block = new byte[MiB];
        new Random(mib).NextBytes(block);
        try
        {
            var watch = Stopwatch.StartNew();
            byte[] written;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, MiB, useAsync: true))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                for (var i = 0; i < mib; i++)
                {
                    block[0] = (byte)i;
                    hash.AppendData(block);
                    await file.WriteAsync(block, cancellationToken).ConfigureAwait(false);
                }

                file.Flush(flushToDisk: true);
                written = hash.GetHashAndReset();
            }

            var writeSeconds = watch.Elapsed.TotalSeconds;
            await output.WriteLineAsync(FormattableString.Invariant($"io: wrote {mib} MiB in {writeSeconds:0.000} s")).ConfigureAwait(false);

            watch.Restart();
            byte[] read;
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, MiB, useAsync: true))
            {
                read = await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
            }

            await output.WriteLineAsync(FormattableString.Invariant($"io: read {mib} MiB in {watch.Elapsed.TotalSeconds:0.000} s")).ConfigureAwait(false);
            if (!read.AsSpan().SequenceEqual(written))
            {
                await error.WriteLineAsync("io: the file read back differs from what was written").ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync("io: read back what was written").ConfigureAwait(false);
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<int> SleepAsync(int seconds, TextWriter output, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"sleep: {seconds} s").ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync("sleep: done").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> FailAsync(int code, TextWriter error)
    {
        await error.WriteLineAsync($"fail: exiting with code {code}, on purpose").ConfigureAwait(false);
        return code;
    }

    /// <summary>A stand-in for an agent driving a browser: timed steps, and a screenshot as an artifact.</summary>
    private static async Task<int> ComputerUseAsync(TextWriter output, CancellationToken cancellationToken)
    {
        (string Step, string Says)[] script =
        [
            ("open-browser", "opening a browser window"),
            ("navigate", "going to https://example.com/search"),
            ("type-query", "typing 'event sourcing'"),
            ("click-search", "clicking Search"),
            ("take-screenshot", "capturing the page"),
            ("close-browser", "closing the browser"),
        ];
        var directory = Environment.GetEnvironmentVariable(TaskVariables.ArtifactsDirectory) is { Length: > 0 } configured
            ? configured
            : Environment.CurrentDirectory;
        foreach (var (step, says) in script)
        {
            await output.WriteLineAsync($"{Session.StepMarker.Prefix}{step}").ConfigureAwait(false);
            await output.WriteLineAsync($"computer-use: {says}").ConfigureAwait(false);
            if (step == "take-screenshot")
            {
                Directory.CreateDirectory(directory);
                var path = Path.Combine(directory, "screenshot.png");
                await File.WriteAllBytesAsync(path, PngWriter.Encode(PlaceholderScreenshot.Width, PlaceholderScreenshot.Height, PlaceholderScreenshot.Render()), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"computer-use: saved {Path.GetFileName(path)}").ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }
}
