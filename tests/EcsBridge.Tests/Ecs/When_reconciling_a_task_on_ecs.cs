using EventPlatform.Contracts.Tasks;

namespace EventPlatform.EcsBridge.Tests.Ecs;

public class When_reconciling_a_task_on_ecs : EcsScenarioFixture
{
    private const string TaskArn = "arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/5d2c4f0e8a9b4c7d9e1f2a3b4c5d6e7f";
    private static readonly Guid JobId = Guid.Parse("0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b");
    private const string OtherArn = "arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static readonly ReconcileTask Question = new(JobId, 2, TaskArn);

    [Test]
    public async Task Should_report_the_stop_whose_event_was_lost()
    {
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[{
              "taskArn":"{{TaskArn}}","lastStatus":"STOPPED","desiredStatus":"STOPPED","startedBy":"{{JobId}}",
              "stopCode":"EssentialContainerExited","stoppedReason":"Essential container in task exited",
              "stoppedAt":1772600800.5,
              "containers":[{"name":"job","lastStatus":"STOPPED","exitCode":3}],
              "tags":[{"key":"eventplatform:attempt","value":"2"}]
            }],"failures":[]}
            """));

        var stopped = await Scenario.Launcher.ReconcileAsync(Question, CancellationToken.None);

        Assert.That(stopped, Is.EqualTo(new TaskStopped(
            JobId, 2, TaskArn, 3, "EssentialContainerExited", "Essential container in task exited", DateTimeOffset.FromUnixTimeMilliseconds(1772600800500))));
    }

    [Test]
    public async Task Should_say_nothing_about_a_task_that_still_runs()
    {
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[{"taskArn":"{{TaskArn}}","lastStatus":"RUNNING","desiredStatus":"RUNNING","startedBy":"{{JobId}}","containers":[{"name":"job"}]}],"failures":[]}
            """));

        Assert.That(await Scenario.Launcher.ReconcileAsync(Question, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Should_report_a_task_ecs_no_longer_knows_as_lost()
    {
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""{"tasks":[],"failures":[{"arn":"{{TaskArn}}","reason":"MISSING"}]}"""));

        var stopped = await Scenario.Launcher.ReconcileAsync(Question, CancellationToken.None) as TaskStopped;

        Assert.That(stopped, Is.Not.Null);
        Assert.That(stopped!.StopCode, Is.EqualTo("TaskLost"));
        Assert.That(stopped.ExitCode, Is.Null);
        Assert.That((stopped.JobId, stopped.Attempt, stopped.TaskId), Is.EqualTo((JobId, 2, TaskArn)));
    }

    [Test]
    public async Task Should_adopt_the_running_task_of_an_attempt_whose_start_event_was_lost()
    {
        Scenario.Server.Answer("ListTasks", CannedResponse.Ok($$"""{"taskArns":["{{OtherArn}}","{{TaskArn}}"]}"""), CannedResponse.Ok("""{"taskArns":[]}"""));
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[
              {"taskArn":"{{OtherArn}}","lastStatus":"RUNNING","desiredStatus":"RUNNING","startedBy":"{{JobId}}","startedAt":1772600700,"tags":[{"key":"eventplatform:attempt","value":"1"}]},
              {"taskArn":"{{TaskArn}}","lastStatus":"RUNNING","desiredStatus":"RUNNING","startedBy":"{{JobId}}","startedAt":1772600790.25,"tags":[{"key":"eventplatform:attempt","value":"2"}]}
            ],"failures":[]}
            """));

        var answer = await Scenario.Launcher.ReconcileAsync(new ReconcileTask(JobId, 2, TaskId: null) { RelaunchIfUnknown = true }, CancellationToken.None);

        Assert.That(answer, Is.EqualTo(new TaskStarted(JobId, 2, TaskArn, DateTimeOffset.FromUnixTimeMilliseconds(1772600790250))));
        var listed = Scenario.Server.RequestsFor("ListTasks").Select(r => (r.Json.GetProperty("startedBy").GetString(), r.Json.GetProperty("desiredStatus").GetString()));
        Assert.That(listed, Is.EqualTo(new[] { (JobId.ToString(), "RUNNING"), (JobId.ToString(), "STOPPED") }));
    }

    [Test]
    public async Task Should_report_how_an_attempt_ended_whose_events_were_all_lost()
    {
        Scenario.Server.Answer("ListTasks", CannedResponse.Ok("""{"taskArns":[]}"""), CannedResponse.Ok($$"""{"taskArns":["{{TaskArn}}"]}"""));
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[{"taskArn":"{{TaskArn}}","lastStatus":"STOPPED","desiredStatus":"STOPPED","startedBy":"{{JobId}}",
              "stopCode":"EssentialContainerExited","stoppedReason":"Essential container in task exited","stoppedAt":1772600800.5,
              "containers":[{"name":"job","lastStatus":"STOPPED","exitCode":0}],"tags":[{"key":"eventplatform:attempt","value":"2"}]}],"failures":[]}
            """));

        var answer = await Scenario.Launcher.ReconcileAsync(new ReconcileTask(JobId, 2, TaskId: null) { RelaunchIfUnknown = true }, CancellationToken.None);

        Assert.That(answer, Is.EqualTo(new TaskStopped(
            JobId, 2, TaskArn, 0, "EssentialContainerExited", "Essential container in task exited", DateTimeOffset.FromUnixTimeMilliseconds(1772600800500))));
    }

    [Test]
    public async Task Should_say_nothing_of_an_attempt_still_starting()
    {
        Scenario.Server.Answer("ListTasks", CannedResponse.Ok($$"""{"taskArns":["{{TaskArn}}"]}"""), CannedResponse.Ok("""{"taskArns":[]}"""));
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[{"taskArn":"{{TaskArn}}","lastStatus":"PROVISIONING","desiredStatus":"RUNNING","startedBy":"{{JobId}}","tags":[{"key":"eventplatform:attempt","value":"2"}]}],"failures":[]}
            """));

        Assert.That(await Scenario.Launcher.ReconcileAsync(new ReconcileTask(JobId, 2, TaskId: null) { RelaunchIfUnknown = true }, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Should_call_an_attempt_ecs_never_ran_lost_only_when_the_job_will_relaunch()
    {
        Scenario.Server.Answer("ListTasks", CannedResponse.Ok($$"""{"taskArns":["{{OtherArn}}"]}"""), CannedResponse.Ok("""{"taskArns":[]}"""));
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[{"taskArn":"{{OtherArn}}","lastStatus":"RUNNING","desiredStatus":"RUNNING","startedBy":"{{JobId}}","tags":[{"key":"eventplatform:attempt","value":"1"}]}],"failures":[]}
            """));
        var periodic = await Scenario.Launcher.ReconcileAsync(new ReconcileTask(JobId, 2, TaskId: null), CancellationToken.None);

        var beforeRelaunch = await Scenario.Launcher.ReconcileAsync(new ReconcileTask(JobId, 2, TaskId: null) { RelaunchIfUnknown = true }, CancellationToken.None);

        Assert.That(periodic, Is.Null);
        Assert.That(beforeRelaunch, Is.TypeOf<TaskStopped>());
        var lost = (TaskStopped)beforeRelaunch!;
        Assert.That((lost.JobId, lost.Attempt, lost.TaskId, lost.ExitCode, lost.StopCode), Is.EqualTo((JobId, 2, string.Empty, (int?)null, "TaskLost")));
        Assert.That(lost.Reason, Is.EqualTo("The launcher knows no task of this attempt."));
    }
}
