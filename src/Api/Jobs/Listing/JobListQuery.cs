using System.Globalization;
using EventPlatform.Api.Http;
using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Api.Jobs.Listing;

/// <summary>The filters and page of one <c>GET /jobs</c> request, read from its query string.</summary>
internal sealed record JobListQuery(
    JobPhase? State,
    JobPriority? Priority,
    string? User,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    string? Text,
    IReadOnlyDictionary<string, string> Labels,
    JobListCursor? After,
    int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>The longest user, q, label key or label value a filter may give: longer than anything stored.</summary>
    public const int MaxTextLength = 256;

    public const int MaxLabelFilters = 20;

    /// <summary>Every problem is reported against the parameter that has it.</summary>
    public static (JobListQuery? Query, Dictionary<string, string[]> Errors) Parse(IQueryCollection query)
    {
        var errors = new Dictionary<string, string[]>();
        var state = ReadEnum<JobPhase>(query, "state", errors);
        var priority = ReadEnum<JobPriority>(query, "priority", errors);
        var user = Single(query, "user", errors);
        var since = ReadTime(query, "since", errors);
        var until = ReadTime(query, "until", errors);
        var text = Single(query, "q", errors);
        var labels = ReadLabels(query, errors);
        var after = ReadCursor(query, errors);
        var limit = ReadLimit(query, errors);
        if (user is { Length: 0 })
        {
            errors["user"] = ["user must name a user."];
        }

        foreach (var (name, value) in new[] { ("user", user), ("q", text) })
        {
            if (!IsFilterText(value))
            {
                errors[name] = [$"{name} must be at most {MaxTextLength} characters, with {StorableText.Rule}."];
            }
        }

        return errors.Count == 0
            ? (new JobListQuery(state, priority, user, since, until, string.IsNullOrEmpty(text) ? null : text, labels, after, limit), errors)
            : (null, errors);
    }

    private static string? Single(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            errors[name] = [$"{name} may be given once."];
            return null;
        }

        return values.Count == 1 ? values[0] : null;
    }

    internal static TEnum? ReadEnum<TEnum>(IQueryCollection query, string name, Dictionary<string, string[]> errors)
        where TEnum : struct, Enum
    {
        var value = Single(query, name, errors);
        if (value is null)
        {
            return null;
        }

        if (!value.All(char.IsAsciiLetter) || !Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed))
        {
            var names = string.Join(", ", Enum.GetNames<TEnum>().Select(n => $"\"{n.ToLowerInvariant()}\""));
            errors[name] = [$"{name} must be one of {names}."];
            return null;
        }

        return parsed;
    }

    private static DateTimeOffset? ReadTime(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        var value = Single(query, name, errors);
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        errors[name] = [$"{name} must be an ISO 8601 time such as 2026-11-22T10:00:00Z."];
        return null;
    }

    internal static Dictionary<string, string> ReadLabels(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (query["label"].Count > MaxLabelFilters)
        {
            errors["label"] = [$"label may be given at most {MaxLabelFilters} times."];
            return labels;
        }

        foreach (var value in query["label"])
        {
            var colon = value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon <= 0)
            {
                errors["label"] = ["label must be key:value, such as label=team:data."];
                return labels;
            }

            if (!IsFilterText(value![..colon]) || !IsFilterText(value[(colon + 1)..]))
            {
                errors["label"] = [$"label's key and value must each be at most {MaxTextLength} characters, with {StorableText.Rule}."];
                return labels;
            }

            labels[value[..colon]] = value[(colon + 1)..];
        }

        return labels;
    }

    private static bool IsFilterText(string? value) => value is null || (value.Length <= MaxTextLength && StorableText.IsStorable(value));

    private static JobListCursor? ReadCursor(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var value = Single(query, "cursor", errors);
        if (value is null)
        {
            return null;
        }

        if (JobListCursor.TryDecode(value, out var cursor))
        {
            return cursor;
        }

        errors["cursor"] = ["cursor must be a nextCursor returned by GET /jobs."];
        return null;
    }

    private static int ReadLimit(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var value = Single(query, "limit", errors);
        if (value is null)
        {
            return DefaultLimit;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
        {
            return limit;
        }

        errors["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."];
        return DefaultLimit;
    }
}
