using EventPlatform.Contracts.Artifacts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace EventPlatform.Api.Jobs.Artifacts;

/// <summary>
/// <c>GET /artifacts/{token}</c>: the local store's pre-signed download. The signed token is the
/// authorisation, so no API key is asked for; an expired or altered token is refused with 403, as
/// S3 refuses such a URL.
/// </summary>
internal static class DownloadArtifactEndpoint
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void Map(IEndpointRouteBuilder artifacts) =>
        artifacts.MapGet("/{token}", Handle)
            .WithName("DownloadArtifact")
            .WithSummary("Download an artifact")
            .WithDescription("The file a signed download URL names, with the media type its name gives (application/octet-stream when none); "
                + "the URL is its own authorisation. Altered or expired is 403.")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/octet-stream")
            .AddOpenApiOperationTransformer(AnyMediaTypeAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AllowAnonymous();

    /// <summary>The file comes with its own media type, which only a range says; Produces takes no range.</summary>
    private static Task AnyMediaTypeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext _, CancellationToken __)
    {
        if (operation.Responses?.GetValueOrDefault("200") is OpenApiResponse { Content: { } content } && content.Remove("application/octet-stream", out var file))
        {
            content["*/*"] = file;
        }

        return Task.CompletedTask;
    }

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> Handle(
        string token, ArtifactUrlSigner signer, LocalArtifactFiles files, IOptions<ArtifactsOptions> options, TimeProvider clock)
    {
        var check = signer.Check(token, clock.GetUtcNow());
        switch (check.Verdict)
        {
            case SignedUrlVerdict.Invalid:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden, title: "Invalid link", detail: "This download link was not issued by this server, or was altered.");
            case SignedUrlVerdict.Expired:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Link expired",
                    detail: $"This download link expired at {check.ExpiresAt:O}; list the job's artifacts again for a new one.");
        }

        if (options.Value.EffectiveStore != ArtifactStoreKind.Local || files.PathOf(check.ObjectKey!) is not { } path || !File.Exists(path))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Artifact not found", detail: "The artifact this link names is not here (any more).");
        }

        var name = Path.GetFileName(path);
        var contentType = ContentTypes.TryGetContentType(name, out var known) ? known : "application/octet-stream";
        return TypedResults.PhysicalFile(path, contentType, fileDownloadName: name, enableRangeProcessing: true);
    }
}
