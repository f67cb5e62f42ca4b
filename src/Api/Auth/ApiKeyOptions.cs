namespace EventPlatform.Api.Auth;

public sealed class ApiKeyOptions
{
    public const string Section = "Auth";

    /// <summary>Every key that may call the API, and whose it is.</summary>
    public IList<ApiKey> ApiKeys { get; } = [];

    /// <summary>
    /// More keys as one JSON document: a key entry (<see cref="ApiKey"/>'s fields) or an array of them.
    /// On ECS it is the API keys secret, which the task definition injects whole as
    /// <c>Auth__ApiKeysJson</c> (docs/adr/0022-images-and-api-keys.md).
    /// </summary>
    public string? ApiKeysJson { get; set; }
}

public sealed class ApiKey
{
    /// <summary>The key itself, for development and tests; it is hashed at start and kept only as its hash.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>The key's SHA-256, 64 hexadecimal digits: how a deployment stores a key it hands out.</summary>
    public string KeyHash { get; set; } = string.Empty;

    public string User { get; set; } = string.Empty;

    /// <summary>An admin sees and may act on every user's jobs.</summary>
    public bool Admin { get; set; }
}
