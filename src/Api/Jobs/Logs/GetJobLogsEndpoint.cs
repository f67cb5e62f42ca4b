using System.Security.Claims;
using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Api.Jobs.Reading;
using EventPlatform.EcsBridge.Artifacts;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Logs;

internal static class GetJobLogsEndpoint
{
    private const string PlainText = "text/plain; charset=utf-8";

    /// <summary>
    /// The attempt's output as text: its stored logs.txt once the Agent has stored it (the attempt
    /// ended), else what the local launcher has relayed so far. Empty before the first line, and
    /// while a task runs on ECS, whose live output is in CloudWatch.
    /// </summary>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> HandleAsync(
        Guid jobId,
        int? attempt,
        ClaimsPrincipal user,
        IQuerySession session,
        IArtifactCatalog catalog,
        IOptions<ArtifactsOptions> options,
        CancellationToken cancellationToken)
    {
        if (await VisibleJob.LoadAsync(session, user, jobId, cancellationToken).ConfigureAwait(false) is not { } view)
        {
            return JobNotFound.Problem(jobId);
        }

        if (JobAttempt.Pick(view, attempt) is not { } which)
        {
            return JobAttempt.NotFound(view, attempt!.Value);
        }

        if (which > 0 && await catalog.OpenAsync(jobId, which, ArtifactLayout.LogsName, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return TypedResults.Stream(stored, PlainText);
        }

        return TypedResults.Stream(which > 0 ? OpenLiveLog(options.Value, jobId, which) : new MemoryStream(), PlainText);
    }

    private static Stream OpenLiveLog(ArtifactsOptions options, Guid jobId, int attempt)
    {
        try
        {
            return new FileStream(
                ArtifactLayout.LiveLogPath(options.LocalRoot, jobId, attempt), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new MemoryStream();
        }
    }
}
