using Amazon.SQS;
using Amazon.SQS.Model;

namespace EventPlatform.IntegrationTests.Sqs;

/// <summary>
/// A queue of one test's own with its dead-letter queue, as the CloudFormation stack declares them:
/// a redrive policy after <see cref="MaxReceiveCount"/> receives, and a visibility timeout short
/// enough that redelivery happens within a test.
/// </summary>
internal sealed record TaskEventsQueue(IAmazonSQS Sqs, string Name, string QueueUrl, string DeadLetterQueueUrl)
{
    public const int MaxReceiveCount = 2;

    public const int VisibilityTimeoutSeconds = 1;

    public static async Task<TaskEventsQueue> CreateAsync(IAmazonSQS sqs)
    {
        var name = $"ep-task-events-{Guid.NewGuid():N}";
        var deadLetterQueueUrl = (await sqs.CreateQueueAsync($"{name}-dlq")).QueueUrl;
        var queue = new TaskEventsQueue(sqs, name, string.Empty, deadLetterQueueUrl);
        return queue with { QueueUrl = await queue.CreateMainQueueAsync() };
    }

    /// <summary>Creates the queue again after <see cref="DeleteMainQueueAsync"/>; its URL stays the same.</summary>
    public async Task<string> CreateMainQueueAsync()
    {
        var deadLetterArn = (await Sqs.GetQueueAttributesAsync(DeadLetterQueueUrl, [QueueAttributeName.QueueArn])).QueueARN;
        var created = await Sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = Name,
            Attributes = new Dictionary<string, string>
            {
                [QueueAttributeName.VisibilityTimeout] = $"{VisibilityTimeoutSeconds}",
                [QueueAttributeName.RedrivePolicy] = $$"""{"deadLetterTargetArn":"{{deadLetterArn}}","maxReceiveCount":"{{MaxReceiveCount}}"}""",
            },
        });
        return created.QueueUrl;
    }

    public Task DeleteMainQueueAsync() => Sqs.DeleteQueueAsync(QueueUrl);

    public async Task<string> SendAsync(string body) => (await Sqs.SendMessageAsync(QueueUrl, body)).MessageId;

    public Task<QueueDepth> DepthAsync() => DepthAsync(QueueUrl);

    public Task<QueueDepth> DeadLetterDepthAsync() => DepthAsync(DeadLetterQueueUrl);

    /// <summary>Takes what the dead-letter queue holds (it stays there, hidden for the visibility timeout).</summary>
    public async Task<IReadOnlyList<string>> ReceiveDeadLettersAsync()
    {
        var response = await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = DeadLetterQueueUrl,
            MaxNumberOfMessages = 10,
            WaitTimeSeconds = 1,
        });
        return [.. (response.Messages ?? []).Select(m => m.Body)];
    }

    public async Task DeleteAsync()
    {
        foreach (var url in new[] { QueueUrl, DeadLetterQueueUrl })
        {
            try
            {
                await Sqs.DeleteQueueAsync(url);
            }
            catch (QueueDoesNotExistException)
            {
            }
        }
    }

    private async Task<QueueDepth> DepthAsync(string url)
    {
        var attributes = await Sqs.GetQueueAttributesAsync(
            url,
            [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible]);
        return new QueueDepth(attributes.ApproximateNumberOfMessages, attributes.ApproximateNumberOfMessagesNotVisible);
    }
}

/// <summary>SQS's ApproximateNumberOfMessages (visible) and ApproximateNumberOfMessagesNotVisible (in flight).</summary>
internal sealed record QueueDepth(int Visible, int InFlight)
{
    public static QueueDepth Empty { get; } = new(0, 0);
}
