namespace EventPlatform.Api.Jobs.Artifacts;

/// <summary>One artifact of an attempt: a URL that works without an API key until <paramref name="ExpiresAt"/>.</summary>
internal sealed record ArtifactLink(string Name, long Size, Uri Url, DateTimeOffset ExpiresAt);
