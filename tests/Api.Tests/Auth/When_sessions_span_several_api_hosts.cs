using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Auth.Sessions;
using EventPlatform.Api.Tests.Hosting;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Api.Tests.Auth;

/// <summary>
/// The deployment's shape: several API tasks behind a load balancer that terminates HTTPS and says so
/// in X-Forwarded-Proto (ASPNETCORE_FORWARDEDHEADERS_ENABLED, as platform.yaml sets it).
/// </summary>
[TestFixture]
public sealed class When_sessions_span_several_api_hosts : ApiHost
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["FORWARDEDHEADERS_ENABLED"] = "true",
    };

    [Test]
    public async Task Should_open_a_session_on_every_host_with_the_key_ring_kept_in_postgresql()
    {
        using var browser = BrowserFor();
        using var signIn = await SignInAsync(browser, AliceKey);
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var other = ClientOfAnotherHost();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/session", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await other.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the second host opens the first host's cookie");
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("userId").GetString(), Is.EqualTo("alice"));
        await using var session = Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.That(await session.Query<SessionKey>().CountAsync(), Is.GreaterThanOrEqualTo(1), "the key that sealed it is in the database");
    }

    [Test]
    public async Task Should_mark_the_cookie_secure_when_the_load_balancer_received_https()
    {
        using var behindHttps = BrowserFor();
        using var plain = BrowserFor();

        using var secure = await SignInAsync(behindHttps, AliceKey, forwardedProto: "https");
        using var notSecure = await SignInAsync(plain, AliceKey, forwardedProto: "http");

        Assert.That(secure.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant(), Does.Contain("; secure"));
        Assert.That(notSecure.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant(), Does.Not.Contain("; secure"));
    }
}
