using System.Text.Json.Serialization;

namespace EventPlatform.Agent;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LogLine))]
internal sealed partial class AgentJson : JsonSerializerContext;
