using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace EventPlatform.Api.Auth.Sessions;

/// <summary>
/// The Data Protection keys that seal session cookies, kept in PostgreSQL beside everything else, so
/// that every Api task of a deployment reads one ring: a cookie one task issued opens on the others,
/// and survives a task's replacement (docs/adr/0023-a-dashboard-served-by-the-api.md). Data
/// Protection creates, rotates and caches the keys; this only stores and lists them.
/// </summary>
internal sealed class SessionKeyRing(IDocumentStore store) : IXmlRepository
{
    // IXmlRepository is synchronous and Marten is not: Data Protection calls this rarely (the
    // first key, a rotation, a key it has not seen), and ASP.NET Core has no synchronization context
    // for the wait to deadlock on.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var session = store.QuerySession();
        var keys = session.Query<SessionKey>().ToListAsync().GetAwaiter().GetResult();
        return keys.Select(key => XElement.Parse(key.Xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var session = store.LightweightSession();
        session.Store(new SessionKey { Id = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        session.SaveChangesAsync().GetAwaiter().GetResult();
    }
}

/// <summary>One Data Protection key as Data Protection writes it (its id in <see cref="Id"/>).</summary>
public sealed class SessionKey
{
    public required string Id { get; init; }

    public required string Xml { get; init; }
}
