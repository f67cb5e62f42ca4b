using EventPlatform.Contracts.Agent;
using System.Text.Json.Serialization;

namespace EventPlatform.Agent;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentLogRecord))]
internal sealed partial class AgentJson : JsonSerializerContext;
