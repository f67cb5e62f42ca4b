using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;
using EventPlatform.Testing;

namespace EventPlatform.Api.Tests.Stats;

/// <summary>What the dashboard's overview draws: slots against the caps, and jobs ended per minute.</summary>
[TestFixture]
public sealed class When_operators_read_capacity_and_throughput : ApiHost
{
    private static readonly object Job = new { command = new[] { "true" } };

    [Test]
    public async Task Should_show_the_caps_to_an_admin_for_every_capped_user_and_to_a_user_for_themselves()
    {
        using var admin = ClientFor(AdminKey);
        using var alice = ClientFor(AliceKey);

        var everyone = await admin.GetFromJsonAsync<JsonElement>(new Uri("/stats/capacity", UriKind.Relative));
        var hers = await alice.GetFromJsonAsync<JsonElement>(new Uri("/stats/capacity", UriKind.Relative));

        Assert.That(everyone.GetProperty("global").GetProperty("cap").GetInt32(), Is.EqualTo(32));
        Assert.That(everyone.GetProperty("defaultUserCap").GetInt32(), Is.EqualTo(8));
        var bob = everyone.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("user").GetString() == "bob");
        Assert.That(bob.GetProperty("cap").GetInt32(), Is.Zero, "bob's own cap (Admission:UserLimits:bob)");
        Assert.That(bob.GetProperty("used").GetInt32(), Is.Zero);
        Assert.That(hers.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("user").GetString()), Is.EqualTo(new[] { "alice" }));
        Assert.That(hers.GetProperty("users")[0].GetProperty("cap").GetInt32(), Is.EqualTo(8));
    }

    [Test]
    public async Task Should_count_the_jobs_that_ended_in_the_last_minutes_per_outcome_and_per_caller()
    {
        using var alice = ClientFor(AliceKey);
        using var bob = ClientFor(BobKey);
        using var admin = ClientFor(AdminKey);
        var before = await SucceededAsync(admin);
        var ids = new[] { await SubmitAsync(alice, Job), await SubmitAsync(alice, Job) };
        foreach (var id in ids)
        {
            await StateAsync(alice, id, "Succeeded");
        }

        var hers = await Eventually.MatchAsync(() => SucceededAsync(alice), n => n >= 2, TimeSpan.FromSeconds(10), "alice's two jobs counted");
        var everyone = await SucceededAsync(admin);
        var his = await SucceededAsync(bob);

        Assert.That(hers, Is.EqualTo(2), "a fresh database: exactly the two jobs she ran");
        Assert.That(everyone, Is.EqualTo(before + 2));
        Assert.That(his, Is.Zero, "bob counts his own jobs only");
        var minutes = (await alice.GetFromJsonAsync<JsonElement>(new Uri("/stats/throughput?minutes=5", UriKind.Relative))).GetProperty("minutes");
        Assert.That(minutes.GetArrayLength(), Is.EqualTo(5), "every minute is listed, empty ones too");
        var times = minutes.EnumerateArray().Select(m => m.GetProperty("minute").GetDateTimeOffset()).ToList();
        Assert.That(times, Is.Ordered.Ascending);
        Assert.That(times.Zip(times.Skip(1), (a, b) => b - a), Is.All.EqualTo(TimeSpan.FromMinutes(1)));
    }

    [TestCase("0")]
    [TestCase("1441")]
    [TestCase("lots")]
    public async Task Should_refuse_a_window_out_of_range(string minutes)
    {
        using var alice = ClientFor(AliceKey);

        using var response = await alice.GetAsync(new Uri($"/stats/throughput?minutes={minutes}", UriKind.Relative));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.ToString(), Does.Contain("minutes"));
    }

    private static async Task<int> SucceededAsync(HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonElement>(new Uri("/stats/throughput?minutes=60", UriKind.Relative));
        return body.GetProperty("minutes").EnumerateArray().Sum(m => m.GetProperty("succeeded").GetInt32());
    }
}
