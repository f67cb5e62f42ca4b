using Scalar.AspNetCore;

namespace EventPlatform.Api.OpenApi;

/// <summary>
/// The API describes itself at <see cref="DocumentPath"/> and in a browsable reference at
/// <see cref="ReferencePath"/>; both are readable without a key, like /healthz
/// (docs/adr/0017-rest-surface-and-cli-output.md).
/// </summary>
internal static class PlatformOpenApi
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/scalar";

    public static void AddPlatformOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<ApiDescriptionTransformer>();
            options.AddOperationTransformer<CommonResponsesTransformer>();
            options.AddOperationTransformer<ExamplesTransformer>();
        });

    public static void MapPlatformOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        endpoints.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("EventPlatform API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddPreferredSecuritySchemes(ApiDescriptionTransformer.SecuritySchemeId))
            .AllowAnonymous();
    }
}
