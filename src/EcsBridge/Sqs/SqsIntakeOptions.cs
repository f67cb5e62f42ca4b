namespace EventPlatform.EcsBridge.Sqs;

/// <summary>The SQS queue an EventBridge rule fills with "ECS Task State Change" events.</summary>
internal sealed class SqsIntakeOptions
{
    public const string Section = "TaskEventsQueue";

    public string? QueueUrl { get; set; }

    /// <summary>An endpoint to use instead of the region's SQS endpoint, such as a local emulator.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The queue's region; unset, the SDK's own resolution applies (AWS_REGION on ECS).</summary>
    public string? Region { get; set; }

    /// <summary>Messages per receive, 1 to 10.</summary>
    public int MaxMessages { get; set; } = 10;

    /// <summary>Long polling: how long a receive waits for a message, 0 to 20 seconds.</summary>
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>How long a received message stays hidden; one not deleted by then is delivered again.</summary>
    public int VisibilityTimeoutSeconds { get; set; } = 60;

    /// <summary>The pause after a poll that failed (queue unreachable, bus refusing publishes).</summary>
    public int ErrorBackoffSeconds { get; set; } = 5;
}
