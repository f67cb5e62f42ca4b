using Amazon.Runtime;
using Amazon.SQS;

namespace EventPlatform.IntegrationTests.Sqs;

/// <summary>The SQS/S3 emulator ./test.sh starts (scripts/emulator.sh); any credentials do.</summary>
internal static class TestAws
{
    public const string Variable = "EP_TEST_AWS_ENDPOINT";

    public const string Region = "us-east-1";

    public static string Endpoint =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set. Run the tests through ./test.sh, which starts the SQS/S3 emulator (scripts/emulator.sh).");

    public static AmazonSQSClient CreateSqsClient() =>
        new(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig { ServiceURL = Endpoint, AuthenticationRegion = Region });
}
