using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;

namespace EventPlatform.Api.Tests.Auth;

/// <summary>The dashboard's session: a key exchanged for a cookie, CSRF tokens, sign-out, and the pages behind it.</summary>
[TestFixture]
public sealed class When_a_browser_signs_in_with_a_session : ApiHost
{
    private static readonly object Job = new { command = new[] { "true" } };

    [Test]
    public async Task Should_exchange_a_key_for_an_http_only_strict_cookie_and_a_csrf_token()
    {
        using var browser = BrowserFor();

        using var response = await SignInAsync(browser, AliceKey);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.That(cookie, Does.StartWith("ep_session="));
        Assert.That(cookie.ToLowerInvariant(), Does.Contain("; httponly").And.Contain("; samesite=strict").And.Contain("; path=/").And.Not.Contain("secure"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(body.GetProperty("userId").GetString(), Is.EqualTo("alice"));
        Assert.That(body.GetProperty("admin").GetBoolean(), Is.False);
        Assert.That(body.GetProperty("csrfToken").GetString(), Has.Length.GreaterThanOrEqualTo(40));

        var session = await browser.GetFromJsonAsync<JsonElement>(new Uri("/session", UriKind.Relative));
        Assert.That(session.GetProperty("csrfToken").GetString(), Is.EqualTo(body.GetProperty("csrfToken").GetString()));
        using var jobs = await browser.GetAsync(new Uri("/jobs", UriKind.Relative));
        Assert.That(jobs.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the cookie alone reads the API");
    }

    [Test]
    public async Task Should_mark_the_cookie_secure_over_https()
    {
        using var browser = BrowserFor(https: true);

        using var response = await SignInAsync(browser, AliceKey);

        Assert.That(response.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant(), Does.Contain("; secure"));
    }

    [Test]
    public async Task Should_change_nothing_without_the_sessions_csrf_token()
    {
        using var browser = BrowserFor();
        using var signIn = await SignInAsync(browser, AliceKey);
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrfToken").GetString()!;
        var before = await CountJobsAsync(browser);

        using var without = await browser.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), Job);
        using var wrong = await SendAsync(browser, HttpMethod.Post, "/jobs", "not-the-token", Job);

        var problem = await Problem.ReadAsync(without, HttpStatusCode.Forbidden);
        Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("Missing CSRF token"));
        await Problem.ReadAsync(wrong, HttpStatusCode.Forbidden);
        Assert.That(await CountJobsAsync(browser), Is.EqualTo(before), "a refused request stores nothing");

        using var right = await SendAsync(browser, HttpMethod.Post, "/jobs", token, Job);
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
    }

    [Test]
    public async Task Should_not_open_a_session_with_a_session_or_a_bad_key()
    {
        using var browser = BrowserFor();
        using var signIn = await SignInAsync(browser, AliceKey);
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrfToken").GetString()!;

        using var again = await SendAsync(browser, HttpMethod.Post, "/session", token, body: null);
        using var other = BrowserFor();
        using var unknown = await SignInAsync(other, "not-a-key");

        await Problem.ReadAsync(again, HttpStatusCode.Unauthorized);
        await Problem.ReadAsync(unknown, HttpStatusCode.Unauthorized);
        Assert.That(unknown.Headers.Contains("Set-Cookie"), Is.False);
    }

    [Test]
    public async Task Should_end_the_session_on_sign_out_with_its_token()
    {
        using var browser = BrowserFor();
        using var signIn = await SignInAsync(browser, BobKey);
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrfToken").GetString()!;

        using var forged = await browser.DeleteAsync(new Uri("/session", UriKind.Relative));
        await Problem.ReadAsync(forged, HttpStatusCode.Forbidden);
        using var signOut = await SendAsync(browser, HttpMethod.Delete, "/session", token, body: null);

        Assert.That(signOut.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var afterwards = await browser.GetAsync(new Uri("/jobs", UriKind.Relative));
        await Problem.ReadAsync(afterwards, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Should_send_a_stranger_from_a_page_to_the_sign_in_and_serve_it_under_a_strict_policy()
    {
        using var stranger = BrowserFor();

        using var root = await stranger.GetAsync(new Uri("/", UriKind.Relative));
        using var overview = await stranger.GetAsync(new Uri("/ui/", UriKind.Relative));
        using var signIn = await stranger.GetAsync(new Uri("/ui/sign-in", UriKind.Relative));
        using var nothing = await stranger.GetAsync(new Uri("/ui/no-such-page", UriKind.Relative));
        using var script = await stranger.GetAsync(new Uri("/ui/assets/app.js", UriKind.Relative));

        Assert.That((root.StatusCode, root.Headers.Location?.ToString()), Is.EqualTo((HttpStatusCode.Redirect, "/ui/")));
        Assert.That((overview.StatusCode, overview.Headers.Location?.ToString()), Is.EqualTo((HttpStatusCode.Redirect, "/ui/sign-in?next=%2Fui%2F")));
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(signIn.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(signIn.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("script-src 'self'").And.Contain("frame-ancestors 'none'"));
        Assert.That(nothing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(script.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));

        using var revalidated = new HttpRequestMessage(HttpMethod.Get, new Uri("/ui/assets/app.js", UriKind.Relative));
        revalidated.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        using var unchanged = await stranger.SendAsync(revalidated);
        Assert.That(unchanged.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient browser, HttpMethod method, string path, string token, object? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("X-CSRF-Token", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await browser.SendAsync(request);
    }

    private static async Task<int> CountJobsAsync(HttpClient browser) =>
        (await browser.GetFromJsonAsync<JsonElement>(new Uri("/jobs", UriKind.Relative))).GetProperty("items").GetArrayLength();
}
