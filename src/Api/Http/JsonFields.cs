using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventPlatform.Api.Http;

/// <summary>
/// Reads a JSON object one property at a time, so that a value of the wrong type is noted against
/// its own name in <see cref="Unreadable"/> rather than failing the whole object, as a single
/// deserialisation would. A value holding text the database cannot keep (<see cref="StorableText"/>)
/// is noted in <see cref="Unstorable"/> instead. A missing or null property reads as the type's
/// default, and names match as written.
/// </summary>
internal sealed class JsonFields(JsonElement json, string prefix, HashSet<string> unreadable, HashSet<string> unstorable)
{
    // Numbers only as numbers, whatever the host's HTTP settings: "10" is not a number of seconds.
    private static readonly JsonSerializerOptions Strict = new() { NumberHandling = JsonNumberHandling.Strict };

    public JsonFields(JsonElement json)
        : this(json, string.Empty, [], [])
    {
    }

    /// <summary>The names, with the path of the object they sit in (<c>limits.cpu</c>), whose values had the wrong type.</summary>
    public IReadOnlySet<string> Unreadable => unreadable;

    /// <summary>The names whose values hold a NUL or an unpaired surrogate, whatever their type.</summary>
    public IReadOnlySet<string> Unstorable => unstorable;

    public T? Read<T>(string name)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return default;
        }

        if (!StorableText.IsStorable(value))
        {
            unstorable.Add(prefix + name);
            return default;
        }

        try
        {
            return value.Deserialize<T>(Strict);
        }
        catch (JsonException)
        {
            unreadable.Add(prefix + name);
            return default;
        }
    }

    /// <summary>The object under <paramref name="name"/>, read the same way; null when it is missing or null, or is not an object.</summary>
    public JsonFields? Object(string name)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            unreadable.Add(prefix + name);
            return null;
        }

        return new JsonFields(value, $"{prefix}{name}.", unreadable, unstorable);
    }
}
