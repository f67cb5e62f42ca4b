using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using EventPlatform.Api.Http;
using EventPlatform.Api.Jobs.Listing;

namespace EventPlatform.Api.Jobs.Cancelling;

/// <summary>The body of <c>POST /jobs/cancel</c>, as the API description shows it; read field by field by <see cref="Read"/>.</summary>
internal sealed record BulkCancelBody(
    [property: Description("The jobs to cancel, no more than a call takes (see the operation); give either jobIds or filter.")] IReadOnlyList<Guid>? JobIds,
    [property: Description("Cancel the jobs that have not ended and match every field given (as GET /jobs filters them); the oldest first, no more than a call takes.")] BulkCancelFilter? Filter,
    [property: Description("Why, for each job's history.")] string? Reason)
{
    private static readonly HashSet<string> Fields = ["jobIds", "filter", "reason"];
    private static readonly HashSet<string> FilterFields = ["state", "priority", "label", "submittedAfter", "submittedBefore", "user"];

    /// <summary>The ids or the filter (as a job list query without a page), and the reason; else every problem, named by its field.</summary>
    public static (IReadOnlyList<Guid>? Ids, JobListQuery? Filter, string? Reason, Dictionary<string, string[]> Errors) Read(string text)
    {
        var errors = new Dictionary<string, string[]>();
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException ex)
        {
            errors["body"] = [$"The body is not valid JSON: {ex.Message}"];
            return (null, null, null, errors);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object with jobIds or filter."];
            return (null, null, null, errors);
        }

        // Half a surrogate pair cannot even be read as a string: each field is checked whole first.
        foreach (var property in root.EnumerateObject().Where(p => !StorableText.IsStorable(p.Value) || !StorableText.IsStorable(p.Name)))
        {
            errors[StorableText.IsStorable(property.Name) ? property.Name : "body"] = [$"Every text must have {StorableText.Rule}."];
        }

        if (errors.Count > 0)
        {
            return (null, null, null, errors);
        }

        foreach (var property in root.EnumerateObject().Where(p => !Fields.Contains(p.Name)))
        {
            errors[property.Name] = [$"{property.Name} is not a field of a bulk cancel; it takes {string.Join(", ", Fields)}."];
        }

        var hasIds = root.TryGetProperty("jobIds", out var ids) && ids.ValueKind != JsonValueKind.Null;
        var hasFilter = root.TryGetProperty("filter", out var filter) && filter.ValueKind != JsonValueKind.Null;
        if (hasIds == hasFilter)
        {
            errors["body"] = ["Give exactly one of jobIds and filter."];
        }

        var jobIds = hasIds ? ReadIds(ids, errors) : null;
        var query = hasFilter ? ReadFilter(filter, errors) : null;
        string? reason = null;
        if (root.TryGetProperty("reason", out var given) && given.ValueKind != JsonValueKind.Null)
        {
            if (given.ValueKind == JsonValueKind.String && given.GetString()!.Length <= CancelJobEndpoint.MaxReasonLength && StorableText.IsStorable(given.GetString()))
            {
                reason = given.GetString();
            }
            else
            {
                errors["reason"] = [$"reason must be a string of at most {CancelJobEndpoint.MaxReasonLength} characters, with {StorableText.Rule}."];
            }
        }

        return errors.Count == 0 ? (jobIds, query, reason, errors) : (null, null, null, errors);
    }

    private static List<Guid>? ReadIds(JsonElement ids, Dictionary<string, string[]> errors)
    {
        if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(id => id.ValueKind != JsonValueKind.String || !Guid.TryParseExact(id.GetString(), "D", out _)))
        {
            errors["jobIds"] = ["jobIds must be an array of job ids."];
            return null;
        }

        if (ids.GetArrayLength() is 0 or > BulkCancelEndpoint.MaxJobs)
        {
            errors["jobIds"] = [$"jobIds must name 1 to {BulkCancelEndpoint.MaxJobs} jobs."];
            return null;
        }

        return [.. ids.EnumerateArray().Select(id => Guid.ParseExact(id.GetString()!, "D")).Distinct()];
    }

    /// <summary>The same filters as GET /jobs, from a JSON object, so a bulk cancel matches exactly the jobs that list shows.</summary>
    private static JobListQuery? ReadFilter(JsonElement filter, Dictionary<string, string[]> errors)
    {
        if (filter.ValueKind != JsonValueKind.Object)
        {
            errors["filter"] = ["filter must be an object such as {\"state\": \"queued\", \"label\": {\"team\": \"data\"}}."];
            return null;
        }

        var query = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>();
        foreach (var property in filter.EnumerateObject())
        {
            var name = $"filter.{property.Name}";
            if (!FilterFields.Contains(property.Name))
            {
                errors[name] = [$"{property.Name} is not a filter; a bulk cancel filters by {string.Join(", ", FilterFields)}."];
                continue;
            }

            if (property.Name == "label")
            {
                if (property.Value.ValueKind != JsonValueKind.Object || property.Value.EnumerateObject().Any(l => l.Value.ValueKind != JsonValueKind.String))
                {
                    errors[name] = ["label must be an object of key: value strings."];
                    continue;
                }

                query["label"] = new([.. property.Value.EnumerateObject().Select(l => $"{l.Name}:{l.Value.GetString()}")]);
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                errors[name] = [$"{property.Name} must be a string."];
                continue;
            }

            query[property.Name switch { "submittedAfter" => "since", "submittedBefore" => "until", var same => same }] = property.Value.GetString();
        }

        query["limit"] = (BulkCancelEndpoint.MaxJobs + 1).ToString(CultureInfo.InvariantCulture);
        var (parsed, problems) = JobListQuery.Parse(new QueryCollection(query));
        foreach (var (key, value) in problems)
        {
            errors[$"filter.{key switch { "since" => "submittedAfter", "until" => "submittedBefore", var same => same }}"] = value;
        }

        return parsed;
    }
}

internal sealed record BulkCancelFilter(
    [property: Description("queued, starting or running")] string? State,
    [property: Description("high, normal or low")] string? Priority,
    [property: Description("Every label given, as key: value")] IReadOnlyDictionary<string, string>? Label,
    [property: Description("Submitted at or after this ISO 8601 time")] DateTimeOffset? SubmittedAfter,
    [property: Description("Submitted before this ISO 8601 time")] DateTimeOffset? SubmittedBefore,
    [property: Description("This user's jobs: admin keys only, or your own user")] string? User);
