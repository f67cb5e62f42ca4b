using EventPlatform.Api.Auth;
using EventPlatform.Api.Jobs.Listing;
using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Api.Jobs.Following;

/// <summary>Which changes one stream carries: the caller's jobs (an admin's: everyone's), narrowed by the query.</summary>
internal sealed record JobChangeFilter(Caller Caller, IReadOnlySet<Guid> JobIds, IReadOnlySet<string> States, IReadOnlyDictionary<string, string> Labels)
{
    public const int MaxJobIds = 100;

    private static readonly HashSet<string> Known = ["jobId", "state", "label", "lastEventId"];

    public bool Wants(JobChange change) =>
        Caller.CanSee(change.UserId)
        && (JobIds.Count == 0 || JobIds.Contains(change.JobId))
        && (States.Count == 0 || (change.State is { } state && States.Contains(state)))
        && Labels.All(label => change.Labels.TryGetValue(label.Key, out var value) && value == label.Value);

    /// <summary>Every problem is reported against the parameter that has it; a parameter this endpoint does not know is one.</summary>
    public static (JobChangeFilter? Filter, long? LastEventId, Dictionary<string, string[]> Errors) Parse(IQueryCollection query, string? lastEventIdHeader, Caller caller)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var unknown in query.Keys.Where(key => !Known.Contains(key)))
        {
            errors[unknown] = [$"{unknown} is not a filter of this stream; it takes {string.Join(", ", Known)}."];
        }

        var ids = new HashSet<Guid>();
        if (query["jobId"].Count > MaxJobIds)
        {
            errors["jobId"] = [$"jobId may be given at most {MaxJobIds} times."];
        }
        else
        {
            foreach (var value in query["jobId"])
            {
                if (!Guid.TryParseExact(value, "D", out var id))
                {
                    errors["jobId"] = ["jobId must be a job id such as 01a2044a-b608-73b9-9137-44e39e1e63d4."];
                    break;
                }

                ids.Add(id);
            }
        }

        var states = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in query["state"])
        {
            if (value is null || !value.All(char.IsAsciiLetter) || !Enum.TryParse<JobPhase>(value, ignoreCase: true, out var state))
            {
                errors["state"] = [$"state must be one of {string.Join(", ", Enum.GetNames<JobPhase>())}."];
                break;
            }

            states.Add(state.ToString());
        }

        var labels = JobListQuery.ReadLabels(query, errors);
        var lastEventId = ReadLastEventId(query["lastEventId"].Count == 1 ? query["lastEventId"][0] : lastEventIdHeader, errors);
        if (query["lastEventId"].Count > 1)
        {
            errors["lastEventId"] = ["lastEventId may be given once."];
        }

        return errors.Count == 0 ? (new JobChangeFilter(caller, ids, states, labels), lastEventId, errors) : (null, null, errors);
    }

    private static long? ReadLastEventId(string? value, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.All(char.IsAsciiDigit) && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        errors["lastEventId"] = ["Last-Event-ID (or lastEventId) must be the id of an event this stream sent: a whole number."];
        return null;
    }
}
