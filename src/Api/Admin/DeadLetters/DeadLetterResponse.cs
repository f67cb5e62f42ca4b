using Npgsql;

namespace EventPlatform.Api.Admin.DeadLetters;

internal sealed record DeadLetterResponse(
    Guid Id,
    string MessageType,
    System.Text.Json.JsonElement Message,
    string Consumer,
    string Exception,
    DateTimeOffset FailedAt,
    DateTimeOffset? RedrivenAt)
{
    /// <summary>What <see cref="Read"/> reads, in order, from the dead-letter table.</summary>
    public const string Columns = "id, message_type, body::text, consumer, exception, failed_at, redriven_at";

    /// <summary>One row of <see cref="Columns"/>.</summary>
    public static DeadLetterResponse Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        System.Text.Json.JsonDocument.Parse(reader.GetString(2)).RootElement.Clone(),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
}
