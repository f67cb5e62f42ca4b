using System.Collections.Frozen;
using System.Security.Cryptography;

namespace EventPlatform.Api.Dashboard;

/// <summary>
/// The dashboard's files, embedded in this assembly: nothing to deploy beside the host and nothing
/// fetched at run time. Each is served with an ETag of its content, so a browser revalidates and a
/// new build is picked up at once.
/// </summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";

    private static readonly FrozenDictionary<string, string> MediaTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    private readonly FrozenDictionary<string, Asset> assets;

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        assets = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[Prefix.Length..], name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var bytes = copy.ToArray();
                return new Asset(bytes, MediaTypes[Path.GetExtension(name)], $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
            });
    }

    public const string Shell = "index.html";

    public bool Has(string name) => assets.ContainsKey(name);

    /// <summary>Writes the file <paramref name="name"/> (one this assembly has) with <paramref name="statusCode"/>.</summary>
    public async Task WriteAsync(HttpContext context, string name, int statusCode = StatusCodes.Status200OK)
    {
        var asset = assets[name];
        var response = context.Response;
        response.Headers.ETag = asset.ETag;
        response.Headers.CacheControl = "no-cache";
        if (statusCode == StatusCodes.Status200OK && context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = statusCode;
        response.ContentType = asset.MediaType;
        response.ContentLength = asset.Bytes.Length;
        await response.Body.WriteAsync(asset.Bytes, context.RequestAborted);
    }

    private sealed record Asset(byte[] Bytes, string MediaType, string ETag);
}
