using Marten;

namespace EventPlatform.Sagas.Admission;

/// <summary>Why a job in line is still waiting: the platform's slots are all taken, or its user's are.</summary>
public static class AdmissionStatus
{
    public const string GlobalCapacity = "global-capacity";
    public const string UserCapacity = "user-capacity";

    public static async Task<string?> WaitingForAsync(IQuerySession session, string userId, AdmissionOptions options, CancellationToken cancellationToken)
    {
        var slots = AdmissionTables.Name(session.DocumentStore.Options.DatabaseSchemaName, AdmissionTables.Slots);
        var total = (await session.QueryAsync<int>($"select count(*)::int from {slots}", cancellationToken).ConfigureAwait(false))[0];
        if (total >= options.MaxRunning)
        {
            return GlobalCapacity;
        }

        var mine = (await session.QueryAsync<int>($"select count(*)::int from {slots} where user_id = ?", cancellationToken, userId).ConfigureAwait(false))[0];
        return mine >= options.CapFor(userId) ? UserCapacity : null;
    }
}
