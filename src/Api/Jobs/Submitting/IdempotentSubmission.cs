using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>
/// An <c>Idempotency-Key</c> fixes the job's id: the id is derived from the user and the key, so
/// the stream table's primary key lets exactly one submission start the job, however many
/// copies race; every other copy finds that job and gets its id back.
/// </summary>
internal static class IdempotentSubmission
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web);

    public static Guid JobIdFor(string userId, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{key}"));

        // An RFC 9562 version 8 (custom) UUID: the digest's bits with the version and variant set.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>Two submissions ask for the same job when their specs match, whatever the order of env entries and labels.</summary>
    public static bool SameRequest(JobSpec first, JobSpec second) => Fingerprint(first) == Fingerprint(second);

    private static string Fingerprint(JobSpec spec) => JsonSerializer.Serialize(
        spec with
        {
            Env = new SortedDictionary<string, string>(spec.Env.ToDictionary(), StringComparer.Ordinal),
            Labels = new SortedDictionary<string, string>(spec.Labels.ToDictionary(), StringComparer.Ordinal),
        },
        Canonical);
}
