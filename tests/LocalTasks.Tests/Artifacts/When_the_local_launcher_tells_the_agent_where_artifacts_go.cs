using EventPlatform.Contracts.Artifacts;

namespace EventPlatform.LocalTasks.Tests.Artifacts;

public class When_the_local_launcher_tells_the_agent_where_artifacts_go
{
    private static readonly Guid JobId = Guid.Parse("0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e");

    [Test]
    public void Should_name_the_local_folder_and_the_attempts_prefix_by_default()
    {
        var options = new ArtifactsOptions { LocalRoot = "relative/artifacts" };

        var environment = ArtifactVariables.For(options, JobId, 2).ToDictionary();

        Assert.That(options.EffectiveStore, Is.EqualTo(ArtifactStoreKind.Local));
        Assert.That(environment, Is.EqualTo(new Dictionary<string, string>
        {
            ["EP_ARTIFACTS_ROOT"] = Path.GetFullPath("relative/artifacts"),
            ["EP_ARTIFACTS_PREFIX"] = $"jobs/{JobId}/attempt-2/",
        }));
    }

    [Test]
    public void Should_name_the_bucket_the_endpoint_and_test_credentials_for_the_emulator()
    {
        var options = new ArtifactsOptions { Bucket = "artifacts", Prefix = "staging", ServiceUrl = new Uri("http://127.0.0.1:4566") };

        var environment = ArtifactVariables.For(options, JobId, 1).ToDictionary();

        Assert.That(options.EffectiveStore, Is.EqualTo(ArtifactStoreKind.S3), "a bucket turns S3 on");
        Assert.That(environment, Is.EqualTo(new Dictionary<string, string>
        {
            ["EP_ARTIFACTS_BUCKET"] = "artifacts",
            ["EP_ARTIFACTS_PREFIX"] = $"staging/jobs/{JobId}/attempt-1/",
            ["AWS_REGION"] = "us-east-1",
            ["EP_S3_SERVICE_URL"] = "http://127.0.0.1:4566/",
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
        }));
    }

    [Test]
    public void Should_pass_no_credentials_for_aws_s3_unless_configured()
    {
        var options = new ArtifactsOptions { Store = ArtifactStoreKind.S3, Bucket = "artifacts", Region = "eu-west-1" };

        var environment = ArtifactVariables.For(options, JobId, 1).ToDictionary();

        Assert.That(environment.Keys, Is.EquivalentTo(new[] { "EP_ARTIFACTS_BUCKET", "EP_ARTIFACTS_PREFIX", "AWS_REGION" }));
        Assert.That(environment["AWS_REGION"], Is.EqualTo("eu-west-1"));
    }

    [Test]
    public void Should_keep_to_the_local_store_when_told_so_even_with_a_bucket()
    {
        var options = new ArtifactsOptions { Store = ArtifactStoreKind.Local, Bucket = "artifacts" };

        Assert.That(ArtifactVariables.For(options, JobId, 1).Select(v => v.Key), Does.Contain("EP_ARTIFACTS_ROOT").And.Not.Contain("EP_ARTIFACTS_BUCKET"));
    }

    [Test]
    public void Should_lay_out_keys_and_live_logs_per_attempt()
    {
        Assert.That(ArtifactLayout.AttemptPrefix(string.Empty, JobId, 3), Is.EqualTo($"jobs/{JobId}/attempt-3/"));
        Assert.That(ArtifactLayout.AttemptPrefix("env/", JobId, 3), Is.EqualTo($"env/jobs/{JobId}/attempt-3/"));
        Assert.That(ArtifactLayout.LocalAttemptDirectory("/srv/artifacts", JobId, 3), Is.EqualTo($"/srv/artifacts/jobs/{JobId}/attempt-3/"));
        Assert.That(ArtifactLayout.LiveLogPath("/srv/artifacts", JobId, 3), Is.EqualTo($"/srv/artifacts/live/{JobId}/attempt-3.log"));
    }
}
