using EventPlatform.EcsBridge.Aws;

namespace EventPlatform.EcsBridge.Ecs;

/// <summary>An ECS call other than RunTask that failed after its retries.</summary>
internal sealed class EcsCallException(string operation, AwsError error)
    : Exception($"ECS {operation} failed: {error}")
{
    public AwsError Error { get; } = error;
}
