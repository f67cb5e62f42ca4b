using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using EventPlatform.Contracts;

namespace EventPlatform.Sagas.Scheduling;

/// <summary>
/// Messages kept in PostgreSQL (timers, dead letters) are our own contracts: stored as JSON under
/// their type's full name and read back by that name, so any process of any version that knows
/// the contract can use a row.
/// </summary>
public static class ContractMessageJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly FrozenDictionary<string, Type> KnownTypes = ContractTypes.JobMessages.ToFrozenDictionary(t => t.FullName!, t => t);

    public static string TypeName(object message) => message.GetType().FullName!;

    public static string Serialize(object message) => JsonSerializer.Serialize(message, message.GetType(), Options);

    public static (object Message, Type Type) Deserialize(string typeName, string body)
    {
        if (!KnownTypes.TryGetValue(typeName, out var type))
        {
            throw new InvalidOperationException($"Scheduled message type '{typeName}' is not a known contract.");
        }

        return (JsonSerializer.Deserialize(body, type, Options)!, type);
    }
}
