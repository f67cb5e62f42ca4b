using System.Text.Json.Serialization;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentLogRecord))]
internal sealed partial class AgentJson : JsonSerializerContext;
