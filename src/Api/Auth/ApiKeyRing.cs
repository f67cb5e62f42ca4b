using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventPlatform.Api.Auth;

/// <summary>
/// The configured keys, each kept only as its SHA-256. A presented key is hashed and compared with
/// every known hash in constant time, so neither the keys nor how much of one matched can be read
/// from the store or from response times.
/// </summary>
internal sealed class ApiKeyRing
{
    private static readonly JsonSerializerOptions SecretJson = new()
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly IReadOnlyList<Entry> entries;

    private ApiKeyRing(IReadOnlyList<Entry> entries) => this.entries = entries;

    public int Count => entries.Count;

    /// <summary>The keys of <paramref name="options"/>, or what is wrong with them (never a key or a hash).</summary>
    public static (ApiKeyRing? Ring, IReadOnlyList<string> Problems) From(ApiKeyOptions options)
    {
        var problems = new List<string>();
        var configured = options.ApiKeys.Select((key, index) => (Key: key, Where: $"{ApiKeyOptions.Section}:ApiKeys:{index}"));
        if (!string.IsNullOrWhiteSpace(options.ApiKeysJson))
        {
            configured = configured.Concat(ParseJson(options.ApiKeysJson, problems));
        }

        var entries = new List<Entry>();
        foreach (var (key, where) in configured)
        {
            if (ToEntry(key, where, problems) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return problems.Count == 0 ? (new ApiKeyRing(entries), problems) : (null, problems);
    }

    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The key's owner, or null; every known hash is compared whatever matched before.</summary>
    public ApiKey? Find(string presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        ApiKey? found = null;
        foreach (var entry in entries)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, entry.Hash))
            {
                found ??= entry.Owner;
            }
        }

        return found;
    }

    /// <summary>The owner of the key whose SHA-256 is <paramref name="hash"/> (hexadecimal), or null.</summary>
    public ApiKey? FindByHash(string hash)
    {
        if (hash.Length != 2 * SHA256.HashSizeInBytes || !hash.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        var bytes = Convert.FromHexString(hash);
        ApiKey? found = null;
        foreach (var entry in entries)
        {
            if (CryptographicOperations.FixedTimeEquals(bytes, entry.Hash))
            {
                found ??= entry.Owner;
            }
        }

        return found;
    }

    private static IEnumerable<(ApiKey Key, string Where)> ParseJson(string json, List<string> problems)
    {
        const string where = $"{ApiKeyOptions.Section}:{nameof(ApiKeyOptions.ApiKeysJson)}";
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return [(root.Deserialize<ApiKey>(SecretJson) ?? new ApiKey(), where)];
            }

            return [.. (root.Deserialize<List<ApiKey>>(SecretJson) ?? []).Select((key, index) => (key, $"{where}[{index}]"))];
        }
        catch (JsonException ex)
        {
            // The exception's own message may quote the document, which holds keys: only where it broke.
            var line = ex.LineNumber is { } number ? $"line {number + 1}, " : string.Empty;
            problems.Add($"{where} is not a key entry or an array of them (JSON error at {line}path {ex.Path ?? "$"}).");
            return [];
        }
    }

    private static Entry? ToEntry(ApiKey key, string where, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(key.User))
        {
            problems.Add($"{where} names no User.");
            return null;
        }

        var plain = key.Key.Length > 0;
        var hashed = key.KeyHash.Length > 0;
        if (plain == hashed)
        {
            problems.Add($"{where} (user {key.User}) must have exactly one of Key and KeyHash.");
            return null;
        }

        if (plain)
        {
            return new Entry(SHA256.HashData(Encoding.UTF8.GetBytes(key.Key)), key);
        }

        if (key.KeyHash.Length != 2 * SHA256.HashSizeInBytes || !key.KeyHash.All(char.IsAsciiHexDigit))
        {
            problems.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{where} (user {key.User}): KeyHash must be a SHA-256 as {2 * SHA256.HashSizeInBytes} hexadecimal digits."));
            return null;
        }

        return new Entry(Convert.FromHexString(key.KeyHash), key);
    }

    private sealed record Entry(byte[] Hash, ApiKey Owner);
}
