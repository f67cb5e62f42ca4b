using Amazon.SQS;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Sqs;
using EventPlatform.EcsBridge.Tests.TaskEvents;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventPlatform.IntegrationTests.Sqs;

public class When_the_sqs_intake_runs_in_a_host
{
    [Test]
    public async Task Should_publish_what_arrives_on_the_configured_queue()
    {
        using var sqs = TestAws.CreateSqsClient();
        var queue = await TaskEventsQueue.CreateAsync(sqs);
        try
        {
            using var host = BuildHost(new Dictionary<string, string?>
            {
                ["TaskEventsQueue:QueueUrl"] = queue.QueueUrl,
                ["TaskEventsQueue:ServiceUrl"] = TestAws.Endpoint,
                ["TaskEventsQueue:Region"] = TestAws.Region,
                ["TaskEventsQueue:VisibilityTimeoutSeconds"] = "1",
            });
            var harness = host.Services.GetRequiredService<ITestHarness>();
            await host.StartAsync();
            await harness.Start();

            await queue.SendAsync((EcsTaskStateChangeFixture.Running with { Attempt = "1" }).ToJson());

            Assert.That(await harness.Published.Any<TaskStarted>(), Is.True);
            var started = harness.Published.Select<TaskStarted>().Single().Context.Message;
            Assert.That(started, Is.EqualTo(new TaskStarted(
                EcsTaskStateChangeFixture.DefaultJobId, 1, EcsTaskStateChangeFixture.DefaultTaskArn, EcsTaskStateChangeFixture.StartedAt)));
            await host.StopAsync();
        }
        finally
        {
            await queue.DeleteAsync();
        }
    }

    [Test]
    public void Should_refuse_to_start_without_a_queue_url()
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["TaskEventsQueue:WaitTimeSeconds"] = "21" });

        var refused = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(refused.Failures, Is.EquivalentTo(new[]
        {
            "TaskEventsQueue:QueueUrl must be the queue's absolute URL.",
            "TaskEventsQueue:WaitTimeSeconds must be 0 to 20.",
        }));
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddKeyedSingleton<IAmazonSQS>(SqsIntakeRegistration.ClientKey, (_, _) => TestAws.CreateSqsClient());
        builder.Services.AddMassTransitTestHarness();
        builder.Services.AddSqsTaskEventIntake(builder.Configuration);
        return builder.Build();
    }
}
