using System.Buffers.Text;
using System.Text;
using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Contracts.Artifacts;

namespace EventPlatform.Api.Tests.Jobs.Artifacts;

public class When_signing_a_local_artifact_url
{
    private const string Key = "jobs/0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e/attempt-1/out.txt";
    private static readonly DateTimeOffset Now = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ExpiresAt = Now.AddMinutes(15);
    private readonly ArtifactUrlSigner signer = new(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

    [Test]
    public void Should_accept_its_own_token_until_it_expires_and_name_the_key()
    {
        var token = signer.Sign(Key, ExpiresAt);

        Assert.That(signer.Check(token, Now), Is.EqualTo(new SignedUrlCheck(SignedUrlVerdict.Valid, Key, ExpiresAt)));
        Assert.That(signer.Check(token, ExpiresAt).Verdict, Is.EqualTo(SignedUrlVerdict.Valid), "valid through its last second");
    }

    [Test]
    public void Should_call_a_token_past_its_expiry_expired()
    {
        var token = signer.Sign(Key, ExpiresAt);

        Assert.That(signer.Check(token, ExpiresAt.AddSeconds(1)), Is.EqualTo(new SignedUrlCheck(SignedUrlVerdict.Expired, null, ExpiresAt)));
    }

    [Test]
    public void Should_be_safe_in_a_url_path_segment()
    {
        var token = signer.Sign(Key + "?&#/ é", ExpiresAt);

        Assert.That(token, Does.Match("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"));
    }

    [Test]
    public void Should_refuse_a_token_whose_key_or_expiry_was_changed()
    {
        var signature = signer.Sign(Key, ExpiresAt).Split('.')[1];
        var otherKey = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{ExpiresAt.ToUnixTimeSeconds()}\njobs/other/attempt-1/secret.txt"));
        var laterExpiry = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{ExpiresAt.AddDays(1).ToUnixTimeSeconds()}\n{Key}"));

        Assert.That(signer.Check($"{otherKey}.{signature}", Now), Is.EqualTo(SignedUrlCheck.Invalid));
        Assert.That(signer.Check($"{laterExpiry}.{signature}", Now), Is.EqualTo(SignedUrlCheck.Invalid));
    }

    [TestCase("")]
    [TestCase("no-dot")]
    [TestCase("a.b.c")]
    [TestCase("!!!.???")]
    [TestCase(".")]
    public void Should_refuse_a_malformed_token(string token) =>
        Assert.That(signer.Check(token, Now), Is.EqualTo(SignedUrlCheck.Invalid));

    [Test]
    public void Should_refuse_a_flipped_signature_bit_and_another_servers_token()
    {
        var token = signer.Sign(Key, ExpiresAt);
        var parts = token.Split('.');
        var signature = Base64Url.DecodeFromChars(parts[1]);
        signature[^1] ^= 1;
        var otherServer = new ArtifactUrlSigner(new byte[32]);

        Assert.That(signer.Check($"{parts[0]}.{Base64Url.EncodeToString(signature)}", Now), Is.EqualTo(SignedUrlCheck.Invalid));
        Assert.That(signer.Check(otherServer.Sign(Key, ExpiresAt), Now), Is.EqualTo(SignedUrlCheck.Invalid));
    }

    [Test]
    public void Should_use_the_configured_key_so_links_outlive_a_restart()
    {
        var options = new ArtifactsOptions { SigningKey = Convert.ToBase64String(new byte[48]) };

        var token = ArtifactUrlSigner.From(options).Sign(Key, ExpiresAt);

        Assert.That(ArtifactUrlSigner.From(options).Check(token, Now).Verdict, Is.EqualTo(SignedUrlVerdict.Valid));
        Assert.That(ArtifactUrlSigner.From(new ArtifactsOptions()).Check(token, Now).Verdict, Is.EqualTo(SignedUrlVerdict.Invalid), "a generated key differs");
    }

    [Test]
    public void Should_refuse_a_short_or_malformed_configured_key()
    {
        Assert.Throws<ArgumentException>(() => ArtifactUrlSigner.From(new ArtifactsOptions { SigningKey = Convert.ToBase64String(new byte[16]) }));
        Assert.Throws<InvalidOperationException>(() => ArtifactUrlSigner.From(new ArtifactsOptions { SigningKey = "not base64!" }));
    }

    [Test]
    public void Should_keep_expiry_to_the_second() =>
        Assert.That(ArtifactUrlSigner.ExpiryFrom(Now.AddMilliseconds(999), TimeSpan.FromMinutes(15)), Is.EqualTo(ExpiresAt));
}
