namespace EventPlatform.Contracts;

/// <summary>The contract types, found once by what they implement instead of listed by hand wherever they are needed.</summary>
public static class ContractTypes
{
    /// <summary>Every type a job's stream may hold.</summary>
    public static IReadOnlyList<Type> JobEvents { get; } = Implementing<IJobEvent>();

    /// <summary>Every bus message about a job.</summary>
    public static IReadOnlyList<Type> JobMessages { get; } = Implementing<IJobMessage>();

    private static Type[] Implementing<T>() =>
    [
        .. typeof(T).Assembly.GetExportedTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(T).IsAssignableFrom(type))
            .OrderBy(type => type.FullName, StringComparer.Ordinal),
    ];
}
