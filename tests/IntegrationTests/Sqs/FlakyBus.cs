using System.Reflection;
using System.Runtime.ExceptionServices;
using MassTransit;

namespace EventPlatform.IntegrationTests.Sqs;

/// <summary>A bus whose first publishes fail, as when the broker is down, and that then recovers.</summary>
internal class FlakyBus : DispatchProxy
{
    private IBus inner = null!;
    private int failing;

    public int Failures { get; private set; }

    public static IBus Over(IBus inner, int failingPublishes, out FlakyBus flaky)
    {
        var proxy = Create<IBus, FlakyBus>();
        flaky = (FlakyBus)(object)proxy;
        flaky.inner = inner;
        flaky.failing = failingPublishes;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IBus.Publish) && Failures < failing)
        {
            Failures++;
            return Task.FromException(new InvalidOperationException("The broker is unreachable (simulated)."));
        }

        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
