using System.Text.Json;

namespace EventPlatform.Bench.Tests;

public class When_summarising_a_profile
{
    /// <summary>
    /// One thread: 6 ms busy in a saga repository under MassTransit, 2 ms busy in Npgsql under the
    /// same repository, 2 ms suspended for a GC, then 10 ms blocked (not busy, so not counted).
    /// </summary>
    private const string Speedscope = """
        {
          "shared": { "frames": [
            { "name": "Process64 dotnet Args: EventPlatform.Api.dll" },
            { "name": "MassTransit!MassTransit.Middleware.SendSagaPipe.Send()" },
            { "name": "EventPlatform.Sagas!EventPlatform.Sagas.Persistence.MartenSagaRepositoryContext.Load()" },
            { "name": "CPU_TIME" },
            { "name": "Npgsql!Npgsql.NpgsqlCommand.ExecuteReader()" },
            { "name": "System.Private.CoreLib!System.Threading.Thread.<PollGC>g__PollGCWorker|67_0()" },
            { "name": "UNMANAGED_CODE_TIME" }
          ] },
          "profiles": [ { "type": "evented", "events": [
            { "type": "O", "frame": 0, "at": 0 },
            { "type": "O", "frame": 1, "at": 0 },
            { "type": "O", "frame": 2, "at": 0 },
            { "type": "O", "frame": 3, "at": 0 },
            { "type": "C", "frame": 3, "at": 6 },
            { "type": "O", "frame": 4, "at": 6 },
            { "type": "O", "frame": 3, "at": 6 },
            { "type": "C", "frame": 3, "at": 8 },
            { "type": "C", "frame": 4, "at": 8 },
            { "type": "C", "frame": 2, "at": 8 },
            { "type": "C", "frame": 1, "at": 8 },
            { "type": "O", "frame": 5, "at": 8 },
            { "type": "O", "frame": 3, "at": 8 },
            { "type": "C", "frame": 3, "at": 10 },
            { "type": "C", "frame": 5, "at": 10 },
            { "type": "O", "frame": 6, "at": 10 },
            { "type": "C", "frame": 6, "at": 20 },
            { "type": "C", "frame": 0, "at": 20 }
          ] } ]
        }
        """;

    [Test]
    public void Should_share_the_busy_samples_among_libraries_and_frames()
    {
        using var document = JsonDocument.Parse(Speedscope);

        var summary = Profile.Summarise(document.RootElement, "trace.speedscope.json");

        Assert.That(summary.BusyMs, Is.EqualTo(10));
        var groups = summary.Groups.ToDictionary(g => g.Name, g => g.Share);
        Assert.That(groups["EventPlatform code"], Is.EqualTo(0.8));
        Assert.That(groups["MassTransit pipeline"], Is.EqualTo(0.8));
        Assert.That(groups["Npgsql (PostgreSQL wire)"], Is.EqualTo(0.2));
        Assert.That(groups["threads suspended for a GC"], Is.EqualTo(0.2));
        Assert.That(groups["Marten/Weasel/JasperFx"], Is.EqualTo(0));
        Assert.That(summary.TopFrames.Select(f => (f.Name.Split('!')[1], f.Share)), Is.EqualTo(new[]
        {
            ("EventPlatform.Sagas.Persistence.MartenSagaRepositoryContext.Load()", 0.6),
            ("Npgsql.NpgsqlCommand.ExecuteReader()", 0.2),
            ("System.Threading.Thread.<PollGC>g__PollGCWorker|67_0()", 0.2),
        }));
    }
}
