using Npgsql;

namespace EventPlatform.Api.Admin.DeadLetters;

/// <summary><paramref name="Message"/> is null in a list when the message is over <see cref="MaxListedMessageBytes"/>; <paramref name="MessageBytes"/> says how large it is.</summary>
internal sealed record DeadLetterResponse(
    Guid Id,
    string MessageType,
    System.Text.Json.JsonElement? Message,
    long MessageBytes,
    string Consumer,
    string Exception,
    DateTimeOffset FailedAt,
    DateTimeOffset? RedrivenAt)
{
    /// <summary>A list shows messages up to this size; a re-drive publishes any message whole.</summary>
    public const int MaxListedMessageBytes = 65_536;

    /// <summary>What <see cref="Read"/> reads, in order, from the dead-letter table: the whole message.</summary>
    public const string Columns = "id, message_type, body::text, octet_length(body::text), consumer, exception, failed_at, redriven_at";

    /// <summary>As <see cref="Columns"/>, with a large message left out and the exception cut short, so that a page stays small.</summary>
    public static readonly string ListColumns =
        $"id, message_type, case when octet_length(body::text) <= {MaxListedMessageBytes} then body::text end, octet_length(body::text), "
        + "consumer, left(exception, 4096), failed_at, redriven_at";

    /// <summary>One row of <see cref="Columns"/> or <see cref="ListColumns"/>.</summary>
    public static DeadLetterResponse Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : System.Text.Json.JsonDocument.Parse(reader.GetString(2)).RootElement.Clone(),
        reader.GetInt32(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
}
