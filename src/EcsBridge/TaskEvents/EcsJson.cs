using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventPlatform.EcsBridge.TaskEvents;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EcsTaskStateChange))]
public sealed partial class EcsJson : JsonSerializerContext
{
    public static string Serialize(EcsTaskStateChange change) => JsonSerializer.Serialize(change, Default.EcsTaskStateChange);
}
