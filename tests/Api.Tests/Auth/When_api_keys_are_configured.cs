using EventPlatform.Api.Auth;

namespace EventPlatform.Api.Tests.Auth;

public class When_api_keys_are_configured
{
    private const string PlainKey = "dev-plain-key";
    private const string HandedOutKey = "Zq3v7N1pXw9mK2rT5yB8cD4fG6hJ0kLs";

    [Test]
    public void Should_know_a_plain_key_and_a_hashed_one_by_the_key_and_nothing_else()
    {
        var ring = RingOf(new ApiKeyOptions
        {
            ApiKeys =
            {
                new ApiKey { Key = PlainKey, User = "dev", Admin = true },
                new ApiKey { KeyHash = ApiKeyRing.HashOf(HandedOutKey).ToUpperInvariant(), User = "ci" },
            },
        });

        Assert.Multiple(() =>
        {
            Assert.That(ring.Find(PlainKey), Has.Property(nameof(ApiKey.User)).EqualTo("dev").And.Property(nameof(ApiKey.Admin)).True);
            Assert.That(ring.Find(HandedOutKey), Has.Property(nameof(ApiKey.User)).EqualTo("ci").And.Property(nameof(ApiKey.Admin)).False);
            Assert.That(ring.Find(ApiKeyRing.HashOf(HandedOutKey)), Is.Null, "the hash is not a key");
            Assert.That(ring.Find(HandedOutKey[..^1]), Is.Null);
            Assert.That(ring.Find(string.Empty), Is.Null);
        });
    }

    [Test]
    public void Should_hash_as_sha256_in_lower_case_hex()
    {
        // printf %s abc | sha256sum
        Assert.That(ApiKeyRing.HashOf("abc"), Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    [Test]
    public void Should_read_the_secret_as_one_entry_as_the_stack_makes_it()
    {
        var ring = RingOf(new ApiKeyOptions { ApiKeysJson = $$"""{"User":"admin","Admin":true,"Key":"{{HandedOutKey}}"}""" });

        Assert.That(ring.Count, Is.EqualTo(1));
        Assert.That(ring.Find(HandedOutKey), Has.Property(nameof(ApiKey.User)).EqualTo("admin").And.Property(nameof(ApiKey.Admin)).True);
    }

    [Test]
    public void Should_read_the_secret_as_an_array_with_any_case_of_names_beside_the_configured_keys()
    {
        var ring = RingOf(new ApiKeyOptions
        {
            ApiKeys = { new ApiKey { Key = PlainKey, User = "dev" } },
            ApiKeysJson = $$"""
                [
                  {"user": "admin", "admin": true, "keyHash": "{{ApiKeyRing.HashOf(HandedOutKey)}}"},
                  {"USER": "ci", "KEYHASH": "{{ApiKeyRing.HashOf("ci-key")}}"}
                ]
                """,
        });

        Assert.That(ring.Count, Is.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(ring.Find(PlainKey)?.User, Is.EqualTo("dev"));
            Assert.That(ring.Find(HandedOutKey)?.User, Is.EqualTo("admin"));
            Assert.That(ring.Find("ci-key")?.User, Is.EqualTo("ci"));
        });
    }

    [Test]
    public void Should_name_every_entry_that_cannot_work_and_never_a_key()
    {
        var (ring, problems) = ApiKeyRing.From(new ApiKeyOptions
        {
            ApiKeys =
            {
                new ApiKey { Key = PlainKey },
                new ApiKey { Key = PlainKey, KeyHash = ApiKeyRing.HashOf(PlainKey), User = "both" },
                new ApiKey { User = "neither" },
                new ApiKey { KeyHash = "not-a-hash-" + HandedOutKey, User = "typo" },
            },
            ApiKeysJson = $$"""[{"user": "admin", "hash": "{{HandedOutKey}}"}]""",
        });

        Assert.That(ring, Is.Null);
        Assert.That(problems, Is.EqualTo(new[]
        {
            "Auth:ApiKeysJson is not a key entry or an array of them (JSON error at line 1, path $[0].hash).",
            "Auth:ApiKeys:0 names no User.",
            "Auth:ApiKeys:1 (user both) must have exactly one of Key and KeyHash.",
            "Auth:ApiKeys:2 (user neither) must have exactly one of Key and KeyHash.",
            "Auth:ApiKeys:3 (user typo): KeyHash must be a SHA-256 as 64 hexadecimal digits.",
        }));
    }

    [Test]
    public void Should_not_quote_a_secret_that_is_not_json()
    {
        var (ring, problems) = ApiKeyRing.From(new ApiKeyOptions { ApiKeysJson = HandedOutKey });

        Assert.That(ring, Is.Null);
        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("Auth:ApiKeysJson is not a key entry").And.Not.Contains(HandedOutKey[..4]));
    }

    private static ApiKeyRing RingOf(ApiKeyOptions options)
    {
        var (ring, problems) = ApiKeyRing.From(options);
        Assert.That(problems, Is.Empty);
        return ring!;
    }
}
