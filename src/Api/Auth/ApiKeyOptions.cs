namespace EventPlatform.Api.Auth;

public sealed class ApiKeyOptions
{
    public const string Section = "Auth";

    /// <summary>Every key that may call the API, and whose it is.</summary>
    public IList<ApiKey> ApiKeys { get; } = [];
}

public sealed class ApiKey
{
    public string Key { get; set; } = string.Empty;

    public string User { get; set; } = string.Empty;

    /// <summary>An admin sees and may act on every user's jobs.</summary>
    public bool Admin { get; set; }
}
