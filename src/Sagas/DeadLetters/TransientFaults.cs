using System.Net.Sockets;
using MassTransit;
using Npgsql;

namespace EventPlatform.Sagas.DeadLetters;

/// <summary>
/// Whether a failure says the database or the network was away rather than that the message is bad:
/// such a message is worth delivering again later, and never a reason to fail its job.
/// </summary>
internal static class TransientFaults
{
    private static readonly HashSet<string> TransientTypes = new(StringComparer.Ordinal)
    {
        typeof(NpgsqlException).FullName!,
        typeof(TimeoutException).FullName!,
        typeof(SocketException).FullName!,
        typeof(IOException).FullName!,
        typeof(EndOfStreamException).FullName!,
    };

    /// <summary>PostgreSQL's classes for a lost connection (08), too few resources (53) and an operator's intervention (57P).</summary>
    private static readonly string[] TransientSqlStates = ["08", "53", "57P"];

    public static bool Is(Exception exception) => Chain(exception).Any(e => e switch
    {
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException or SocketException or IOException => true,
        _ => false,
    });

    public static bool AnyIn(IEnumerable<ExceptionInfo> exceptions) => exceptions.Any(info => Chain(info).Any(IsTransient));

    private static bool IsTransient(ExceptionInfo info) =>
        TransientTypes.Contains(info.ExceptionType)
        || (info.ExceptionType == typeof(PostgresException).FullName
            && TransientSqlStates.Any(state => info.Message?.StartsWith(state, StringComparison.Ordinal) == true));

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }

            yield return current;
        }
    }

    private static IEnumerable<ExceptionInfo> Chain(ExceptionInfo info)
    {
        for (var current = info; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
