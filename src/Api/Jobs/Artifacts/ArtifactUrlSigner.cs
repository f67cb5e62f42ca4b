using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EventPlatform.Contracts.Artifacts;

namespace EventPlatform.Api.Jobs.Artifacts;

/// <summary>
/// The local store's answer to a pre-signed URL: a token naming an object key and an expiry,
/// with an HMAC-SHA256 over both, so <c>GET /artifacts/{token}</c> needs no API key, cannot be
/// pointed at another file, and stops working when it expires.
/// </summary>
internal sealed class ArtifactUrlSigner
{
    public const int MinKeyBytes = 32;

    private readonly byte[] key;

    public ArtifactUrlSigner(byte[] key)
    {
        if (key.Length < MinKeyBytes)
        {
            throw new ArgumentException($"An artifact URL signing key needs at least {MinKeyBytes} bytes.", nameof(key));
        }

        this.key = key;
    }

    /// <summary>The configured key (base64), or a random one: URLs then stop working when the host restarts.</summary>
    public static ArtifactUrlSigner From(ArtifactsOptions options)
    {
        if (options.SigningKey is not { Length: > 0 } configured)
        {
            return new ArtifactUrlSigner(RandomNumberGenerator.GetBytes(MinKeyBytes));
        }

        try
        {
            return new ArtifactUrlSigner(Convert.FromBase64String(configured));
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Artifacts:SigningKey must be base64 (at least 32 bytes once decoded).");
        }
    }

    /// <summary>Expiry is kept to the second; <paramref name="expiresAt"/> should be too (<see cref="ExpiryFrom"/>).</summary>
    public string Sign(string objectKey, DateTimeOffset expiresAt)
    {
        var payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{expiresAt.ToUnixTimeSeconds()}\n{objectKey}"));
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(key, payload))}";
    }

    public static DateTimeOffset ExpiryFrom(DateTimeOffset now, TimeSpan lifetime) =>
        DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());

    public SignedUrlCheck Check(string token, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 2)
        {
            return SignedUrlCheck.Invalid;
        }

        byte[] payload;
        byte[] signature;
        try
        {
            payload = Base64Url.DecodeFromChars(parts[0]);
            signature = Base64Url.DecodeFromChars(parts[1]);
        }
        catch (FormatException)
        {
            return SignedUrlCheck.Invalid;
        }

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), signature))
        {
            return SignedUrlCheck.Invalid;
        }

        // Signed by us, so well formed; checked anyway, as a parser should be.
        var text = Encoding.UTF8.GetString(payload);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline <= 0 || !long.TryParse(text.AsSpan(0, newline), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignedUrlCheck.Invalid;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return now > expiresAt
            ? new SignedUrlCheck(SignedUrlVerdict.Expired, null, expiresAt)
            : new SignedUrlCheck(SignedUrlVerdict.Valid, text[(newline + 1)..], expiresAt);
    }
}

internal enum SignedUrlVerdict
{
    Valid,
    Expired,
    Invalid,
}

/// <summary><paramref name="ObjectKey"/> is set only for a valid token.</summary>
internal sealed record SignedUrlCheck(SignedUrlVerdict Verdict, string? ObjectKey, DateTimeOffset? ExpiresAt)
{
    public static SignedUrlCheck Invalid { get; } = new(SignedUrlVerdict.Invalid, null, null);
}
