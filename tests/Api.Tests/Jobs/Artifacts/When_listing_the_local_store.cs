using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Contracts.Artifacts;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Tests.Jobs.Artifacts;

public class When_listing_the_local_store
{
    private static readonly Guid JobId = Guid.Parse("0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e");
    private static readonly Uri ApiBase = new("http://127.0.0.1:8080/");
    private DirectoryInfo root = null!;
    private LocalArtifactCatalog catalog = null!;
    private ArtifactUrlSigner signer = null!;

    [SetUp]
    public void CreateStore()
    {
        root = Directory.CreateTempSubdirectory("ep-local-store-");
        var options = Options.Create(new ArtifactsOptions { LocalRoot = root.FullName, UrlLifetime = TimeSpan.FromMinutes(5) });
        signer = new ArtifactUrlSigner(new byte[32]);
        catalog = new LocalArtifactCatalog(new LocalArtifactFiles(options), signer, options, TimeProvider.System);
    }

    [TearDown]
    public void DeleteStore() => root.Delete(recursive: true);

    [Test]
    public async Task Should_list_complete_files_by_name_with_size_and_a_signed_url_for_each()
    {
        var attempt = Directory.CreateDirectory(ArtifactLayout.LocalAttemptDirectory(root.FullName, JobId, 1)).FullName;
        await File.WriteAllTextAsync(Path.Combine(attempt, "result.json"), "{}");
        Directory.CreateDirectory(Path.Combine(attempt, "reports"));
        await File.WriteAllTextAsync(Path.Combine(attempt, "reports", "a.csv"), "x,y\n");
        await File.WriteAllTextAsync(Path.Combine(attempt, "big.bin.0a1b" + ArtifactLayout.PartialSuffix), "still copying");
        File.CreateSymbolicLink(Path.Combine(attempt, "passwd"), "/etc/passwd");

        var links = await catalog.ListAsync(JobId, 1, ApiBase, CancellationToken.None);

        Assert.That(links.Select(l => (l.Name, l.Size)), Is.EqualTo(new[] { ("reports/a.csv", 4L), ("result.json", 2L) }));
        foreach (var link in links)
        {
            Assert.That(link.Url.GetLeftPart(UriPartial.Authority), Is.EqualTo("http://127.0.0.1:8080"));
            var token = link.Url.AbsolutePath["/artifacts/".Length..];
            Assert.That(signer.Check(token, DateTimeOffset.UtcNow), Is.EqualTo(new SignedUrlCheck(
                SignedUrlVerdict.Valid, $"jobs/{JobId}/attempt-1/{link.Name}", link.ExpiresAt)));
        }
    }

    [Test]
    public async Task Should_list_nothing_for_an_attempt_that_stored_nothing()
    {
        Assert.That(await catalog.ListAsync(JobId, 3, ApiBase, CancellationToken.None), Is.Empty);
        Assert.That(await catalog.OpenAsync(JobId, 3, "logs.txt", CancellationToken.None), Is.Null);
    }

    [Test]
    public void Should_map_no_key_outside_the_root()
    {
        var files = new LocalArtifactFiles(Options.Create(new ArtifactsOptions { LocalRoot = root.FullName }));

        Assert.That(files.PathOf("../outside.txt"), Is.Null);
        Assert.That(files.PathOf("/etc/passwd"), Is.Null);
        Assert.That(files.PathOf("jobs/x/attempt-1/a.txt"), Is.EqualTo(Path.Combine(root.FullName, "jobs", "x", "attempt-1", "a.txt")));
    }
}
