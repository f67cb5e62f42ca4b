namespace EventPlatform.EcsBridge.Tests.Ecs;

public class When_ecs_cannot_start_a_task : EcsScenarioFixture
{
    private static readonly Guid JobId = Guid.Parse("0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b");

    [TestCase("RESOURCE:MEMORY")]
    [TestCase("RESOURCE:ENI")]
    [TestCase("Capacity is unavailable at this time. Please try again later or in a different availability zone")]
    public void Should_report_a_capacity_failure_as_retryable(string reason)
    {
        Scenario.Server.Answer("RunTask", CannedResponse.Ok(Failures(reason)));

        var failure = Assert.ThrowsAsync<TaskLaunchException>(() => Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Retryable, Is.True);
            Assert.That(failure.Message, Does.Contain(reason));
            Assert.That(Scenario.Server.Requests, Has.Count.EqualTo(1), "a failures[] answer is ECS's verdict, not a transport error");
        });
    }

    [TestCase("MISSING")]
    [TestCase("INACTIVE")]
    public void Should_report_a_missing_or_inactive_task_definition_as_not_retryable(string reason)
    {
        Scenario.Server.Answer("RunTask", CannedResponse.Ok(Failures(reason)));

        var failure = Assert.ThrowsAsync<TaskLaunchException>(() => Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Retryable, Is.False);
            Assert.That(failure.Message, Does.Contain(reason));
        });
    }

    [TestCase(400, "ThrottlingException")]
    [TestCase(400, "com.amazonaws.ecs#ThrottlingException")]
    [TestCase(429, "TooManyRequestsException")]
    public async Task Should_retry_a_throttled_launch_until_it_goes_through(int status, string type)
    {
        Scenario.Server.Answer("RunTask", CannedResponse.Error(status, type, "Rate exceeded"), CannedResponse.Error(status, type, "Rate exceeded"));

        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId), CancellationToken.None);

        var calls = Scenario.Server.RequestsFor("RunTask");
        Assert.That(calls, Has.Count.EqualTo(3));
        Assert.That(calls.Select(c => c.Json.GetProperty("clientToken").GetString()).Distinct().Count(), Is.EqualTo(1), "a retry is the same call");
    }

    [Test]
    public void Should_report_a_launch_still_throttled_after_its_retries_as_retryable()
    {
        Scenario.Server.Answer("RunTask", Enumerable.Repeat(CannedResponse.Throttled(), 10).ToArray());

        var failure = Assert.ThrowsAsync<TaskLaunchException>(() => Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Retryable, Is.True);
            Assert.That(failure.Message, Does.Contain("throttled").And.Contain("ThrottlingException"));
            Assert.That(Scenario.Server.RequestsFor("RunTask"), Has.Count.EqualTo(Scenario.Options.MaxAttempts));
        });
    }

    [TestCase(500, "ServerException")]
    [TestCase(503, "ServiceUnavailableException")]
    public async Task Should_retry_a_server_error(int status, string type)
    {
        Scenario.Server.Answer("RunTask", CannedResponse.Error(status, type, "Service unavailable."));

        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId), CancellationToken.None);

        Assert.That(Scenario.Server.RequestsFor("RunTask"), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Should_retry_a_call_that_got_no_answer_in_time()
    {
        await using var impatient = await EcsScenario.StartAsync(o => o.RequestTimeout = TimeSpan.FromMilliseconds(500));
        impatient.Server.Answer("RunTask", CannedResponse.Ok("{}") with { Delay = TimeSpan.FromSeconds(30) });

        await impatient.Launcher.LaunchAsync(EcsScenario.Launch(JobId), CancellationToken.None);

        Assert.That(impatient.Server.RequestsFor("RunTask"), Has.Count.EqualTo(2));
    }

    [TestCase("ValidationException", "1 validation error detected")]
    [TestCase("InvalidParameterException", "No Fargate configuration exists for given values.")]
    [TestCase("AccessDeniedException", "User is not authorized to perform: ecs:RunTask")]
    public void Should_not_retry_a_refused_call(string type, string message)
    {
        Scenario.Server.Answer("RunTask", CannedResponse.Error(400, type, message));

        var failure = Assert.ThrowsAsync<TaskLaunchException>(() => Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Retryable, Is.False);
            Assert.That(failure.Message, Does.Contain(type).And.Contain(message));
            Assert.That(Scenario.Server.RequestsFor("RunTask"), Has.Count.EqualTo(1));
        });
    }

    private static string Failures(string reason) =>
        $$"""{"tasks":[],"failures":[{"arn":"{{EcsScenario.TaskDefinition}}","reason":"{{reason}}"}]}""";
}
