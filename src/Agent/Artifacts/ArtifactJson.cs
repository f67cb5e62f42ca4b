using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using EventPlatform.Agent.Session;

namespace EventPlatform.Agent.Artifacts;

/// <summary>The files the agent writes for people to read: indented, unlike its one-line log records.</summary>
[JsonSerializable(typeof(AgentResult))]
[JsonSerializable(typeof(SessionReplay))]
internal sealed partial class ArtifactJson : JsonSerializerContext
{
    /// <summary>Relaxed escaping: these are JSON files, never embedded in HTML, and should read as written.</summary>
    public static ArtifactJson Files { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
