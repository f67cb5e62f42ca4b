using EventPlatform.Api.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace EventPlatform.Api.OpenApi;

/// <summary>
/// The responses the pipeline gives rather than the endpoint, read from each endpoint's metadata so
/// that a new endpoint is described right without saying so: 401 and the key requirement unless it
/// allows anonymous callers, 403 behind the admin policy, 400 where a query value or a body is
/// read (binding refuses a malformed one before the endpoint runs), 413 and 415 where a body is read, 429
/// behind a rate limit, 500 everywhere.
/// </summary>
internal sealed class CommonResponsesTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken).ConfigureAwait(false);
        operation.Responses ??= [];
        if (!metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDescriptionTransformer.SecuritySchemeId, context.Document)] = [] });
            AddProblem(operation, StatusCodes.Status401Unauthorized, $"No API key, or one the server does not know, in {ApiKeyAuthentication.Header}.", problem);
        }

        if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == ApiKeyAuthentication.AdminPolicy))
        {
            AddProblem(operation, StatusCodes.Status403Forbidden, "The API key is not an admin's.", problem);
        }

        var readsBody = metadata.OfType<IAcceptsMetadata>().Any();
        if (readsBody || context.Description.ParameterDescriptions.Any(p => p.Source == BindingSource.Query))
        {
            AddProblem(operation, StatusCodes.Status400BadRequest, "A query value or the body is not valid; the problem names what was wrong.", problem);
        }

        if (readsBody)
        {
            AddProblem(operation, StatusCodes.Status413PayloadTooLarge, "The body is over the server's limit (Kestrel:Limits:MaxRequestBodySize, 1 MiB by default).", problem);
            AddProblem(operation, StatusCodes.Status415UnsupportedMediaType, "The body is not sent as application/json.", problem);
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            AddProblem(operation, StatusCodes.Status429TooManyRequests, "Over the caller's rate limit or bound; Retry-After says when to try again.", problem);
        }

        AddProblem(operation, StatusCodes.Status500InternalServerError, "An unexpected failure; quote the requestId when reporting it.", problem);
    }

    private static void AddProblem(OpenApiOperation operation, int status, string description, IOpenApiSchema schema)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.TryGetValue(key, out var existing) && existing is OpenApiResponse described)
        {
            described.Description = description;
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
        };
    }
}
