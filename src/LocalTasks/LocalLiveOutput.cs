using EventPlatform.Contracts.Artifacts;
using EventPlatform.Contracts.Tasks;
using Microsoft.Extensions.Options;

namespace EventPlatform.LocalTasks;

/// <summary>The file the local launcher appends the command's lines to (<see cref="LiveLog"/>).</summary>
internal sealed class LocalLiveOutput(IOptions<ArtifactsOptions> options) : ILiveOutput
{
    public Task<Stream> OpenAsync(Guid jobId, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(
                ArtifactLayout.LiveLogPath(options.Value.LocalRoot, jobId, attempt),
                FileMode.Open,
                FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream>(new MemoryStream());
        }
    }
}
