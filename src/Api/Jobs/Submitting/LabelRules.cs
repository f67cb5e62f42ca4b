using System.Globalization;
using EventPlatform.Api.Http;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>
/// What a job's labels may hold. A key holds no ':' so that <c>label=key:value</c> filters split
/// unambiguously, and is never blank: the bus refuses a message whose map has a blank key, so such a
/// job used to stay Queued for ever.
/// </summary>
internal static class LabelRules
{
    public static string Message(SubmissionLimits limits) =>
        $"labels must be an object of at most {limits.MaxLabels} string values (at most {limits.MaxLabelValueLength} characters) "
        + $"whose keys are 1 to {limits.MaxLabelKeyLength} characters without ':'.";

    public static string? Problem(IReadOnlyDictionary<string, string>? labels, SubmissionLimits limits)
    {
        if (labels is null)
        {
            return null;
        }

        if (labels.Count > limits.MaxLabels || labels.Any(label => !IsLabel(label, limits)))
        {
            return Message(limits);
        }

        return labels.Keys.FirstOrDefault(key => !IsPlain(key)) is { } blank
            ? $"labels key '{StorableText.Shown(blank)}' must hold a visible character and no control character or line break."
            : null;
    }

    public static bool IsPlain(string key) =>
        !string.IsNullOrWhiteSpace(key)
        && !key.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);

    private static bool IsLabel(KeyValuePair<string, string> label, SubmissionLimits limits) =>
        label.Value is not null
        && label.Key.Length > 0
        && label.Key.Length <= limits.MaxLabelKeyLength
        && !label.Key.Contains(':', StringComparison.Ordinal)
        && label.Value.Length <= limits.MaxLabelValueLength;
}
