using MassTransit;

namespace EventPlatform.Sagas.Admission;

/// <summary>
/// After a message is consumed, and so after the saga committed whatever it did to the line or
/// the slots, the controller is woken rather than left to its next poll.
/// </summary>
internal sealed class AdmissionWakeUp(AdmissionSignal signal) : IConsumeObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        signal.Notify();
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
