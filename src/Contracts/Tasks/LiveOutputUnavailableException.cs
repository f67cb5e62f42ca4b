namespace EventPlatform.Contracts.Tasks;

/// <summary>The live output could not be read.</summary>
public sealed class LiveOutputUnavailableException : Exception
{
    public LiveOutputUnavailableException()
    {
    }

    public LiveOutputUnavailableException(string message)
        : base(message)
    {
    }

    public LiveOutputUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LiveOutputUnavailableException(string message, bool transient)
        : base(message) => Transient = transient;

    /// <summary>
    /// True when asking again later may help (throttled, the service failing or out of reach); false
    /// when it will not until something is fixed (permissions, configuration, a refused request).
    /// </summary>
    public bool Transient { get; }
}
