using System.Text.Json;

namespace EventPlatform.Api.Http;

/// <summary>
/// How large one page of a list may grow (section <see cref="Section"/>): a page ends early, with
/// a cursor where the list has one, once its items pass <see cref="MaxBytes"/> of JSON. Every page
/// holds at least one item, so paging always moves on.
/// </summary>
public sealed class PageLimits
{
    public const string Section = "Limits:Pages";

    public int MaxBytes { get; set; } = 1_048_576;

    /// <summary>The leading items of <paramref name="items"/> that fit in one page, at least one.</summary>
    internal List<T> Fit<T>(IEnumerable<T> items, JsonSerializerOptions json)
    {
        var page = new List<T>();
        long bytes = 0;
        foreach (var item in items)
        {
            bytes += JsonSerializer.SerializeToUtf8Bytes(item, json).Length;
            if (page.Count > 0 && bytes > MaxBytes)
            {
                break;
            }

            page.Add(item);
        }

        return page;
    }
}
