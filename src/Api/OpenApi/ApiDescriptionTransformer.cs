using EventPlatform.Api.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

using EventPlatform.Api.Http;

namespace EventPlatform.Api.OpenApi;

/// <summary>The document's title and the X-Api-Key scheme that <see cref="CommonResponsesTransformer"/> refers every keyed operation to.</summary>
internal sealed class ApiDescriptionTransformer : IOpenApiDocumentTransformer
{
    public const string SecuritySchemeId = "ApiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "EventPlatform API",
            Version = PlatformOpenApi.DocumentName,
            Description = "Submit jobs (a container command with limits), follow them to their end, and read each job's event stream, "
                + "timeline, logs and artifacts. Every call but /healthz, this document and signed artifact downloads needs an API key "
                + $"in {ApiKeyAuthentication.Header}. Every error is application/problem+json with a requestId that matches the "
                + $"{RequestIds.Header} response header.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecuritySchemeId] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthentication.Header,
            Description = "Your API key; it names you. Users see only their own jobs, admin keys see all.",
        };
        return Task.CompletedTask;
    }
}
