using System.Text.Json.Nodes;
using EventPlatform.Contracts.Jobs;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventPlatform.Api.Jobs.Listing;

/// <summary>
/// The query parameters of <c>GET /jobs</c> as the API description shows them. The endpoint reads
/// them by hand (<see cref="JobListQuery"/>), to name a repeated or malformed one, so the generator
/// cannot see them.
/// </summary>
internal static class JobListParameters
{
    /// <summary>For <c>AddOpenApiOperationTransformer</c>, whose delegate also hands over a context and a token this needs neither of.</summary>
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext _, CancellationToken __)
    {
        operation.Parameters ??= [];
        foreach (var parameter in All())
        {
            operation.Parameters.Add(parameter);
        }

        return Task.CompletedTask;
    }

    private static IEnumerable<OpenApiParameter> All()
    {
        yield return Query("state", "Only jobs in this state (any case).", Names<JobPhase>());
        yield return Query("priority", "Only jobs of this priority (any case).", Names<JobPriority>());
        yield return Query("user", "Only this user's jobs: admin keys only, or your own user.", Text());
        yield return Query("since", "Only jobs created at or after this ISO 8601 time.", new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" });
        yield return Query("until", "Only jobs created before this ISO 8601 time.", new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" });
        yield return Query("q", "Text the command's arguments (joined by spaces) contain, any case.", Text());
        var label = Query(
            "label",
            $"key:value; a job must have every label given (at most {JobListQuery.MaxLabelFilters}).",
            new OpenApiSchema { Type = JsonSchemaType.Array, Items = Text(), MaxItems = JobListQuery.MaxLabelFilters });
        label.Style = ParameterStyle.Form;
        label.Explode = true;
        yield return label;
        yield return Query("cursor", "The nextCursor of the page before.", new OpenApiSchema { Type = JsonSchemaType.String });
        yield return Query(
            "limit",
            $"Jobs per page (default {JobListQuery.DefaultLimit}); a page also ends early once it is about 1 MiB.",
            new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = JobListQuery.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    private static OpenApiParameter Query(string name, string description, OpenApiSchema schema) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Schema = schema };

    private static OpenApiSchema Text() => new() { Type = JsonSchemaType.String, MaxLength = JobListQuery.MaxTextLength };

    private static OpenApiSchema Names<TEnum>()
        where TEnum : struct, Enum =>
        new() { Type = JsonSchemaType.String, Enum = [.. Enum.GetNames<TEnum>().Select(n => (JsonNode)JsonValue.Create(n.ToLowerInvariant()))] };
}
