using System.Diagnostics;
using EventPlatform.Contracts.Tasks;

namespace EventPlatform.LocalTasks.ProcessLauncher;

/// <summary>
/// The Agent's run, seen from the launcher that owns its process: a span of the job's trace from the
/// process's start to its exit. The Agent is given this span as its traceparent, so its log lines name
/// the trace, and the run shows in the trace even though the Agent exports nothing itself.
/// </summary>
public static class AgentRun
{
    public const string SourceName = "EventPlatform.LocalTasks";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Null when the launch carries no trace or nobody listens.</summary>
    internal static Activity? Start(LaunchTask launch)
    {
        if (!ActivityContext.TryParse(launch.TraceParent, traceState: null, out var job))
        {
            return null;
        }

        var run = Source.StartActivity("agent run", ActivityKind.Internal, job);
        run?.SetTag("eventplatform.job_id", launch.JobId.ToString());
        run?.SetTag("eventplatform.attempt", launch.Attempt);
        return run;
    }

    internal static void End(Activity? run, int? exitCode, string stopCode)
    {
        if (run is null)
        {
            return;
        }

        run.SetTag("eventplatform.exit_code", exitCode);
        run.SetTag("eventplatform.stop_code", stopCode);
        run.SetStatus(exitCode == 0 ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
        run.Stop();
    }
}
