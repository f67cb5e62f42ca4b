using System.Text.Json;

namespace EventPlatform.Cli;

/// <summary>
/// Which server and key: <c>EP_URL</c> and <c>EP_API_KEY</c>, else <c>url</c> and <c>apiKey</c> from
/// <c>$XDG_CONFIG_HOME/ep/config.json</c> (or <c>~/.config/ep/config.json</c>), else the local default
/// server and no key. Each variable overrides its own field only.
/// </summary>
internal sealed record EpConfig(Uri Url, string? ApiKey, string FilePath)
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static EpConfig Load(Func<string, string?> environment)
    {
        var path = FilePathFrom(environment);
        var (fileUrl, fileKey) = File.Exists(path) ? Read(path) : (null, null);
        var url = NonEmpty(environment("EP_URL")) ?? fileUrl ?? DefaultUrl;
        var from = NonEmpty(environment("EP_URL")) is not null ? "EP_URL" : fileUrl is not null ? $"url in {path}" : "the default URL";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new EpException($"{from} '{url}' is not an http(s) URL.");
        }

        return new EpConfig(address, NonEmpty(environment("EP_API_KEY")) ?? fileKey, path);
    }

    public static string FilePathFrom(Func<string, string?> environment)
    {
        var root = NonEmpty(environment("XDG_CONFIG_HOME"))
            ?? Path.Combine(NonEmpty(environment("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(root, "ep", "config.json");
    }

    private static (string? Url, string? ApiKey) Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new EpException($"{path} must hold a JSON object such as {{\"url\": \"{DefaultUrl}\", \"apiKey\": \"...\"}}.");
            }

            return (Field(root, "url", path), Field(root, "apiKey", path));
        }
        catch (JsonException ex)
        {
            throw new EpException($"{path} is not valid JSON: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EpException($"Cannot read {path}: {ex.Message}");
        }
    }

    private static string? Field(JsonElement root, string name, string path) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? NonEmpty(value.GetString())
        : throw new EpException($"{path}: {name} must be a string.");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
