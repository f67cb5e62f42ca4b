using System.Globalization;
using System.Net;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// Jobs of the embedded default that try to get out of the local sandbox (docs/adr/0010-local-sandbox.md)
/// by way of other jobs, the host's processes and files, setuid programs and their own artifacts; each
/// attempt is refused or stays inside, and the job's state says which: a command here exits 3 when the
/// sandbox let it do what it must not. The network, memory, fork bomb and environment are
/// When_jobs_run_in_the_sandbox's.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class When_jobs_try_to_leave_the_sandbox : PlatformFixture
{
    private string WorkRoot => Path.GetDirectoryName(Platform.ArtifactsRoot)!;

    [Test]
    public async Task Should_keep_a_job_out_of_another_jobs_folder_and_the_artifact_store()
    {
        var marker = Marker();
        var victim = await SubmitAsync(new
        {
            command = new[] { "sh", "-c", $"echo mine > \"$EP_ARTIFACTS_DIR/mine.txt\" && echo mine > private && sleep 30; : {marker}" },
            timeoutSeconds = 60,
            maxAttempts = 1,
        });
        var victimFolder = Path.Combine(WorkRoot, $"{victim:N}-1");
        await EventPlatform.Testing.Eventually.MatchAsync(
            () => Task.FromResult(File.Exists(Path.Combine(victimFolder, "private"))), found => found, TimeSpan.FromSeconds(60), "the victim's file");

        // Reading finds nothing (the folders are not in the intruder's view); writing is refused, or would stay in its own /tmp.
        var intruder = await FinalStateAsync(await SubmitAsync(new
        {
            command = new[]
            {
                "sh", "-c",
                """
                for folder in "$1" "$1/artifacts" "$2"; do
                  test -e "$folder" && exit 3
                  cat "$folder/private" "$folder/mine.txt" 2>/dev/null && exit 3
                done
                for folder in "$1" "$2"; do (mkdir -p "$folder" && echo x > "$folder/intruder") 2>/dev/null; done
                exit 0
                """,
                "sh", victimFolder, Platform.ArtifactsRoot,
            },
            maxAttempts = 1,
        }));
        var intrusions = new[] { Path.Combine(victimFolder, "intruder"), Path.Combine(Platform.ArtifactsRoot, "intruder") }.Where(File.Exists).ToList();
        await CancelAsync(victim);

        Assert.That(intruder.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
        Assert.That(intrusions, Is.Empty, "none of the intruder's writes reached the host's folders");
        Assert.That((await StateAsync(victim, "Cancelled")).GetProperty("state").GetString(), Is.EqualTo("Cancelled"));
    }

    [Test]
    public async Task Should_keep_writes_outside_the_jobs_folder_from_reaching_the_host()
    {
        var marker = Marker();
        string[] privateToTheJob = [$"/tmp/{marker}", $"/var/tmp/{marker}", $"/dev/shm/{marker}"];
        string[] refused = [$"/etc/{marker}", $"/usr/{marker}", $"/{marker}", $"/root/{marker}", Path.Combine(WorkRoot, marker)];
        var job = await FinalStateAsync(await SubmitAsync(new
        {
            command = new[]
            {
                "sh", "-c",
                """
                for file in $1; do echo x > "$file" || exit 4; done
                for file in $2; do (echo x > "$file") 2>/dev/null && exit 3; done
                exit 0
                """,
                "sh", string.Join(' ', privateToTheJob), string.Join(' ', refused),
            },
            maxAttempts = 1,
        }));

        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
        Assert.That(privateToTheJob.Concat(refused).Where(File.Exists), Is.Empty, "nothing the job wrote reached the host's folders");
    }

    [Test]
    public async Task Should_end_what_a_job_left_running_before_the_job_is_seen_to_end()
    {
        var marker = Marker();
        var jobId = await SubmitAsync(new
        {
            command = new[]
            {
                "sh", "-c",
                $"""
                setsid sh -c 'touch "$HOME/up"; sleep 300; : {marker}' </dev/null >/dev/null 2>&1 &
                nohup sh -c 'sleep 300; : {marker}' </dev/null >/dev/null 2>&1 &
                while [ ! -e "$HOME/up" ]; do sleep 0.05; done
                id -u
                """,
            },
            maxAttempts = 1,
        });

        var job = await FinalStateAsync(jobId);
        var left = MachineProcesses.Naming(marker);
        var uid = int.Parse((await LogsAsync(jobId)).Trim(), CultureInfo.InvariantCulture);

        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
        Assert.That(left, Is.Empty, "what the job left was ended before its end was recorded");
        Assert.That(MachineProcesses.Of(uid), Is.Empty, $"nothing runs as the job's uid {uid} any more");
    }

    [Test]
    public async Task Should_not_let_a_job_signal_the_host_its_agent_or_another_job()
    {
        var marker = Marker();
        var victim = await SubmitAsync(new { command = new[] { "sh", "-c", $"sleep 30; : {marker}" }, timeoutSeconds = 60, maxAttempts = 1 });
        var command = await EventPlatform.Testing.Eventually.MatchAsync(
            () => Task.FromResult(MachineProcesses.Naming(marker).Where(pid => MachineProcesses.UidOf(pid) != 0).ToList()),
            pids => pids.Count == 1,
            TimeSpan.FromSeconds(60),
            "the victim's command");
        var agent = MachineProcesses.ParentOf(command[0])!.Value;
        var host = MachineProcesses.ParentOf(agent)!.Value;

        var attacker = await FinalStateAsync(await SubmitAsync(new
        {
            command = new[]
            {
                "sh", "-c",
                """
                for pid in "$@" "$PPID" 1; do kill -9 "$pid" 2>/dev/null && exit 3; done
                kill -9 -1 2>/dev/null
                exit 0
                """,
                "sh", Text(command[0]), Text(agent), Text(host),
            },
            maxAttempts = 1,
        }));
        using var health = await Platform.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        var survivors = new[] { command[0], agent, host }.Where(MachineProcesses.IsAlive).ToList();
        await CancelAsync(victim);

        Assert.That(attacker.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), "every kill was refused: " + Platform.Output);
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(survivors, Is.EqualTo(new[] { command[0], agent, host }), "the victim's command, its agent and the host all live on");
        Assert.That((await StateAsync(victim, "Cancelled")).GetProperty("state").GetString(), Is.EqualTo("Cancelled"));
    }

    [Test]
    public async Task Should_run_a_setuid_root_program_without_root()
    {
        // su is setuid root and waits for a password on its stdin: long enough to read what it runs as.
        var job = await FinalStateAsync(await SubmitAsync(new
        {
            command = new[]
            {
                "sh", "-c",
                """
                grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/self/status || exit 4
                [ -u /usr/bin/su ] || exit 5
                sleep 10 | /usr/bin/su root -c id >/dev/null 2>&1 &
                su=$!
                i=0
                until grep -q '^Name:[[:space:]]*su$' "/proc/$su/status" 2>/dev/null; do
                  i=$((i+1)); [ $i -lt 200 ] || exit 3
                  sleep 0.05
                done
                set -- $(grep '^Uid:' "/proc/$su/status")
                me=$(id -u)
                kill "$su"
                [ "$2 $3 $4 $5" = "$me $me $me $me" ] || exit 3
                """,
            },
            maxAttempts = 1,
        }));

        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), "su ran as the job's uid, every one of its uids: " + Platform.Output);
    }

    [Test]
    public async Task Should_store_a_links_target_never_and_say_what_it_skipped()
    {
        var secret = Directory.CreateTempSubdirectory("ep-e2e-secret-");
        var token = $"EP-E2E-SECRET-{Guid.NewGuid():N}";
        var secretFile = Path.Combine(secret.FullName, "secret.txt");
        await File.WriteAllTextAsync(secretFile, token);
        try
        {
            var jobId = await SubmitAsync(new
            {
                command = new[]
                {
                    "sh", "-c",
                    """
                    cd "$EP_ARTIFACTS_DIR" && echo kept > kept.txt && ln -s "$1" link.txt && mkdir reports && ln -s "$2" reports/folder && mkfifo pipe || exit 4
                    """,
                    "sh", secretFile, secret.FullName,
                },
                maxAttempts = 1,
            });

            var job = await FinalStateAsync(jobId);

            Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
            var stored = Path.Combine(Platform.ArtifactsRoot, "jobs", jobId.ToString(), "attempt-1");
            Assert.That(Directory.EnumerateFiles(stored, "*", SearchOption.AllDirectories).Where(file => File.ReadAllText(file).Contains(token, StringComparison.Ordinal)), Is.Empty);
            Assert.That(await File.ReadAllTextAsync(Path.Combine(stored, "kept.txt")), Is.EqualTo("kept\n"));
            var result = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(stored, "result.json"))).RootElement;
            Assert.That(result.GetProperty("artifactsStored").GetBoolean(), Is.False);
            Assert.That(result.GetProperty("error").GetString(), Is.EqualTo(
                "'link.txt' was not stored: it is a symbolic link.; 'pipe' was not stored: it is a FIFO.; 'reports/folder' was not stored: it is a symbolic link."));
        }
        finally
        {
            secret.Delete(recursive: true);
        }
    }

    private static string Marker() => $"ep-e2e-escape-{Guid.NewGuid():N}";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task CancelAsync(Guid jobId)
    {
        using var response = await Platform.Http.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
    }

    private async Task<string> LogsAsync(Guid jobId) => await Platform.Http.GetStringAsync(new Uri($"/jobs/{jobId}/logs", UriKind.Relative));
}
