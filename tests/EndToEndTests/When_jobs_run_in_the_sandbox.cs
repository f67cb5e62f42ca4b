using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// The local launcher's sandbox (docs/adr/0010-local-sandbox.md), seen from outside: jobs of the
/// embedded default run as root's children on this machine and must still not reach the network,
/// the host's files or environment, or more than their limits.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class When_jobs_run_in_the_sandbox : PlatformFixture
{
    /// <summary>What a command exits with in these tests when it could not do what the sandbox forbids.</summary>
    private const int Refused = 3;

    [Test]
    public async Task Should_not_reach_a_server_on_loopback_nor_the_instance_metadata_address()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = 0;
        using var stopAccepting = new CancellationTokenSource();
        var accepting = AcceptAllAsync(listener, () => Interlocked.Increment(ref accepted), stopAccepting.Token);

        var loopback = await SubmitAsync(new
        {
            command = new[] { "bash", "-c", $"(exec 3<>/dev/tcp/127.0.0.1/{port}) && exit 0 || exit {Refused}" },
            maxAttempts = 1,
        });
        var metadata = await SubmitAsync(new
        {
            command = new[] { "timeout", "5", "bash", "-c", $"(exec 3<>/dev/tcp/169.254.169.254/80) && exit 0 || exit {Refused}" },
            maxAttempts = 1,
        });

        var fromLoopback = await FinalStateAsync(loopback);
        var fromMetadata = await FinalStateAsync(metadata);
        await stopAccepting.CancelAsync();
        await accepting;

        Assert.That((fromLoopback.GetProperty("state").GetString(), fromLoopback.GetProperty("exitCode").GetInt32()), Is.EqualTo(("Failed", Refused)), Platform.Output);
        Assert.That(accepted, Is.Zero, "the listener must not have accepted a connection");
        // Refused at once ("Network is unreachable"), not timed out (124) on the way to nowhere.
        Assert.That((fromMetadata.GetProperty("state").GetString(), fromMetadata.GetProperty("exitCode").GetInt32()), Is.EqualTo(("Failed", Refused)));
        using var control = new TcpClient();
        await control.ConnectAsync(IPAddress.Loopback, port);
        Assert.That(control.Connected, Is.True, "the listener was reachable from the host all along");
    }

    [Test]
    public async Task Should_kill_a_memory_hog_and_fail_the_job_saying_why()
    {
        var jobId = await SubmitAsync(new
        {
            command = new[] { "python3", "-c", "b = bytearray(2**31)" },
            limits = new { memoryMiB = 128 },
            maxAttempts = 1,
        });

        var job = await FinalStateAsync(jobId);

        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Failed"), Platform.Output);
        Assert.That(job.GetProperty("exitCode").GetInt32(), Is.EqualTo(137));
        Assert.That(
            job.GetProperty("error").GetString(),
            Is.EqualTo("Command exited with code 137 (OutOfMemoryError: Container killed due to memory usage)."));
    }

    [Test]
    public async Task Should_contain_a_fork_bomb_while_the_host_keeps_serving()
    {
        const int maxProcesses = 32;
        var marker = $"ep-e2e-fork-bomb-{Guid.NewGuid():N}";
        var bomb = await SubmitAsync(new
        {
            command = new[] { "bash", "-c", $":(){{ :|:& }};:; sleep 60 # {marker}" },
            limits = new { maxProcesses },
            timeoutSeconds = 10,
            maxAttempts = 1,
        });
        await StateAsync(bomb, "Running");
        var most = 0;
        using var stopCounting = new CancellationTokenSource();
        var counting = Task.Run(async () =>
        {
            while (!stopCounting.IsCancellationRequested)
            {
                most = Math.Max(most, MachineProcesses.Naming(marker).Count);
                await Task.Delay(50);
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(2));
        using var health = await Platform.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        var bystander = await FinalStateAsync(await SubmitAsync(new { command = new[] { "sh", "-c", "echo still here" }, maxAttempts = 1 }));
        var bombed = await FinalStateAsync(bomb);
        await stopCounting.CancelAsync();
        await counting;

        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(bystander.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
        Assert.That(bombed.GetProperty("state").GetString(), Is.AnyOf("Failed", "TimedOut"));
        // The Agent, outside the task's cgroup, names the marker too: its arguments are the command.
        Assert.That(most, Is.InRange(2, maxProcesses + 1), "the bomb ran, and never had more processes than its limit");
        await EventuallyNoneAsync(marker);
    }

    [Test]
    public async Task Should_give_the_command_nothing_of_the_host_environment_but_its_own_variables()
    {
        const string tricky = "it's \"quoted\", $HOME `id` \\ and\na new line";
        var jobId = await SubmitAsync(new
        {
            command = new[]
            {
                "sh", "-c",
                """
                test -z "$ConnectionStrings__Postgres" && test -z "$DOTNET_ROOT" && test -z "$AWS_SECRET_ACCESS_KEY" \
                  && test -z "$EP_SANDBOX" && test -z "$EP_ARTIFACTS_ROOT" \
                  && [ "$PATH" = /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ] && [ "$HOME" = "$PWD" ] \
                  && [ "$TRICKY" = "$1" ] && [ -n "$EP_JOB_ID" ] && [ "$EP_ATTEMPT" = 1 ] \
                  && [ "$(awk 'BEGIN { for (name in ENVIRON) print name }' | grep -v -x -E 'PATH|HOME|PWD|EP_JOB_ID|EP_ATTEMPT|EP_ARTIFACTS_DIR|TRICKY' | wc -l)" = 0 ] \
                  || exit 3
                """,
                "sh", tricky,
            },
            env = new Dictionary<string, string> { ["TRICKY"] = tricky },
            maxAttempts = 1,
        });

        var job = await FinalStateAsync(jobId);

        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
    }

    [Test]
    public async Task Should_set_the_job_variables_for_the_command_only_never_for_the_agent_running_as_root()
    {
        // Had the agent (dotnet, as root) been given this, it would have failed to start (134), or worse run the hook.
        var jobId = await SubmitAsync(new
        {
            command = new[] { "sh", "-c", "[ \"$DOTNET_STARTUP_HOOKS\" = /nonexistent/hook.dll ] || exit 3" },
            env = new Dictionary<string, string> { ["DOTNET_STARTUP_HOOKS"] = "/nonexistent/hook.dll" },
            maxAttempts = 1,
        });

        var job = await FinalStateAsync(jobId);

        Assert.That((job.GetProperty("state").GetString(), job.GetProperty("attempt").GetInt32()), Is.EqualTo(("Succeeded", 1)), Platform.Output);
    }

    [Test]
    public async Task Should_show_the_command_its_own_files_and_processes_only_as_an_unprivileged_user()
    {
        var hostFile = Path.Combine(Path.GetTempPath(), $"ep-e2e-host-{Guid.NewGuid():N}");
        var jobFile = Path.Combine(Path.GetTempPath(), $"ep-e2e-job-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(hostFile, "the host's");
        try
        {
            var jobId = await SubmitAsync(new
            {
                command = new[]
                {
                    "sh", "-c",
                    """
                    [ "$(id -u)" -ge 200000 ] && [ "$(id -u)" = "$(id -g)" ] \
                      && test ! -e "$1" && test ! -e "$2" && test ! -e /proc/1 \
                      && echo mine > "$HOME/file" && echo mine > "$3" && echo mine > "$EP_ARTIFACTS_DIR/file" \
                      && ! touch /usr/file 2>/dev/null && ! touch "$2" 2>/dev/null \
                      || exit 3
                    """,
                    "sh", hostFile, Path.Combine(BuiltPrograms.RepositoryRoot, "EventPlatform.sln"), jobFile,
                },
                maxAttempts = 1,
            });

            var job = await FinalStateAsync(jobId);

            Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
            Assert.That(File.Exists(jobFile), Is.False, "the job's /tmp is its own");
        }
        finally
        {
            File.Delete(hostFile);
        }
    }

    [Test]
    public async Task Should_apply_the_limits_of_the_job_spec()
    {
        var limited = await SubmitAsync(new
        {
            command = new[] { "bash", "-c", "[ \"$(ulimit -n)\" = 64 ] && [ \"$(ulimit -u)\" = 48 ] && [ \"$(ulimit -t)\" = 30 ] || exit 3" },
            limits = new { maxOpenFiles = 64, maxProcesses = 48, cpuSeconds = 30 },
            maxAttempts = 1,
        });
        var spinning = await SubmitAsync(new
        {
            command = new[] { "sh", "-c", "while :; do :; done" },
            limits = new { cpuSeconds = 1 },
            maxAttempts = 1,
        });

        var withLimits = await FinalStateAsync(limited);
        var spun = await FinalStateAsync(spinning);

        Assert.That(withLimits.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
        Assert.That((spun.GetProperty("state").GetString(), spun.GetProperty("exitCode").GetInt32()), Is.EqualTo(("Failed", 152)));
        Assert.That(
            spun.GetProperty("error").GetString(),
            Is.EqualTo("Command exited with code 152 (CpuTimeLimitExceeded: Command used more than its 1 s of CPU time)."));
    }

    [Test]
    public async Task Should_sweep_what_a_host_before_it_left_running_under_a_sandbox_uid()
    {
        // The last uid of the default range: what an agent whose host was killed may leave running.
        const int uid = 209_999;
        var startInfo = new ProcessStartInfo("setpriv") { UseShellExecute = false };
        foreach (var argument in new[] { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--", "sleep", "300" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var leftover = Process.Start(startInfo)!;
        await using var platform = await RunningPlatform.StartAsync();

        using var submitted = await platform.Http.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" } });
        var jobId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        await EventPlatform.Testing.Eventually.MatchAsync(
            () => platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}", UriKind.Relative)),
            job => job.GetProperty("state").GetString() == "Succeeded",
            TimeSpan.FromSeconds(60),
            "the first job of the new host to succeed");

        Assert.That(leftover.WaitForExit(TimeSpan.FromSeconds(10)), Is.True, "the new host swept the leftover once its first task started");
        Assert.That(leftover.ExitCode, Is.EqualTo(137));
    }

    private static async Task AcceptAllAsync(TcpListener listener, Action count, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken);
                count();
            }
        }
        catch (OperationCanceledException)
        {
            // The test is done listening.
        }
    }

    private static Task<int> EventuallyNoneAsync(string marker) => EventPlatform.Testing.Eventually.MatchAsync(
        () => Task.FromResult(MachineProcesses.Naming(marker).Count),
        count => count == 0,
        TimeSpan.FromSeconds(15),
        "every process of the fork bomb to be gone");
}
