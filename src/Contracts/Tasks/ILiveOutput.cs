namespace EventPlatform.Contracts.Tasks;

/// <summary>
/// The live output of attempt N of job J: the command's stdout and stderr lines so far, in the order
/// they were written, one per line. Where it is kept depends on the launcher (<c>EcsBridge:Launcher</c>):
/// a file the local launcher appends to, or the agent's log group in CloudWatch Logs on ECS.
/// </summary>
public interface ILiveOutput
{
    /// <summary>The output so far as UTF-8 text; empty before the first line.</summary>
    /// <exception cref="LiveOutputUnavailableException">Where the output is kept could not be read.</exception>
    Task<Stream> OpenAsync(Guid jobId, int attempt, CancellationToken cancellationToken);
}
