namespace EventPlatform.Agent.Artifacts;

/// <summary>The content type an object is stored with, so a pre-signed download opens as what it is.</summary>
internal static class ContentTypes
{
    public static string For(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".json" => "application/json",
        ".txt" or ".log" => "text/plain; charset=utf-8",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".html" or ".htm" => "text/html; charset=utf-8",
        ".csv" => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    };
}
