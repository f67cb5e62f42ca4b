using EventPlatform.EcsBridge.Aws;

namespace EventPlatform.EcsBridge.Tests.Ecs;

[NonParallelizable]
public class When_credentials_come_from_the_environment
{
    private static readonly string[] Variables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"];
    private readonly Dictionary<string, string?> saved = [];

    [SetUp]
    public void SetCredentials()
    {
        foreach (var variable in Variables)
        {
            saved[variable] = Environment.GetEnvironmentVariable(variable);
            Environment.SetEnvironmentVariable(variable, null);
        }

        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENTEXAMPLE");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "environment/secret/EXAMPLEKEY");
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEXAMPLE");
    }

    [TearDown]
    public void RestoreCredentials()
    {
        foreach (var (variable, value) in saved)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }
    }

    [Test]
    public async Task Should_sign_with_what_the_default_chain_finds_there()
    {
        await using var scenario = await EcsScenario.StartAsync(credentials: AwsCredentialSource.DefaultChain());

        await scenario.Launcher.LaunchAsync(EcsScenario.Launch(Guid.CreateVersion7()), CancellationToken.None);

        var request = scenario.Server.Requests.Single();
        var authorization = SigV4Oracle.Parse(request.Headers["Authorization"]);
        Assert.Multiple(() =>
        {
            Assert.That(authorization.Groups["key"].Value, Is.EqualTo("AKIAENVIRONMENTEXAMPLE"));
            Assert.That(request.Headers["X-Amz-Security-Token"], Is.EqualTo("IQoJb3JpZ2luX2VjEXAMPLE"));
            Assert.That(
                authorization.Groups["signature"].Value,
                Is.EqualTo(SigV4Oracle.ExpectedSignature(request, "environment/secret/EXAMPLEKEY", "eu-west-1", "ecs")));
        });
    }
}
