using System.Text.Json.Serialization;

namespace EventPlatform.Agent;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LogLine))]
internal sealed partial class AgentJson : JsonSerializerContext;
