using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace EventPlatform.Api.Jobs.Listing;

/// <summary>
/// Where a page ended: the creation time and id of its last job. Pages are ordered by
/// (createdAt, id) descending, so the next page is every job strictly below this pair; jobs
/// submitted meanwhile sort above it and cannot push anything across a page boundary.
/// Opaque to clients: base64url of <c>createdAt|id</c>.
/// </summary>
internal sealed record JobListCursor(DateTimeOffset CreatedAt, Guid JobId)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{CreatedAt.UtcDateTime.Ticks.ToString(CultureInfo.InvariantCulture)}|{JobId:N}"));

    public static bool TryDecode(string value, out JobListCursor? cursor)
    {
        cursor = null;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value)).Split('|');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTime.MaxValue.Ticks
                && Guid.TryParseExact(parts[1], "N", out var jobId))
            {
                cursor = new JobListCursor(new DateTimeOffset(ticks, TimeSpan.Zero), jobId);
            }
        }
        catch (FormatException)
        {
            return false;
        }

        return cursor is not null;
    }
}
