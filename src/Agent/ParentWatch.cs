using System.Diagnostics;

namespace EventPlatform.Agent;

/// <summary>
/// A local task is a child of the host that launched it. If that host dies (kill -9), nobody will
/// report or stop this task any more, and its job is retried elsewhere: the task ends itself.
/// </summary>
internal sealed class ParentWatch : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly Timer timer;

    private ParentWatch(Process command, AgentLog log)
    {
        var parent = NativeMethods.ParentProcessId();
        timer = new Timer(_ =>
        {
            if (NativeMethods.ParentProcessId() == parent)
            {
                return;
            }

            log.Error("The launcher that started this task is gone: stopping the command.");
            NativeMethods.SignalGroup(command.Id, NativeMethods.SigKill);
        }, null, Interval, Interval);
    }

    public static ParentWatch Start(Process command, AgentLog log) => new(command, log);

    public void Dispose() => timer.Dispose();
}
