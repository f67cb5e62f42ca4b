using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventPlatform.EndToEndTests.Dashboard;

[TestFixture]
[NonParallelizable]
public sealed class When_a_person_signs_in_to_the_dashboard : DashboardFixture
{
    [Test]
    public async Task Should_send_a_stranger_to_sign_in_and_back_to_the_page_asked_for()
    {
        await Page.GotoAsync("/");

        Assert.That(new Uri(Page.Url).AbsolutePath, Is.EqualTo("/ui/sign-in"));
        await Page.GetByLabel("API key").FillAsync("not-a-key");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The server refused this API key.");

        await Page.GetByLabel("API key").FillAsync(RunningPlatform.AliceKey);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("user")).ToHaveTextAsync("alice");
        Assert.That(new Uri(Page.Url).AbsolutePath, Is.EqualTo("/ui/"));
        var cookie = (await Browser.CookiesAsync()).Single(c => c.Name == "ep_session");
        Assert.That((cookie.HttpOnly, cookie.SameSite, cookie.Secure), Is.EqualTo((true, SameSiteAttribute.Strict, false)), "Secure only over HTTPS");
        Assert.That(await Page.EvaluateAsync<string>("document.cookie"), Does.Not.Contain("ep_session"), "the page's scripts cannot read the session");
    }

    [Test]
    public async Task Should_end_the_session_on_sign_out()
    {
        await SignInAsync(RunningPlatform.BobKey);
        await Expect(Page.GetByTestId("user")).ToHaveTextAsync("bob");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Page.WaitForURLAsync("**/ui/sign-in");
        Assert.That((await Browser.CookiesAsync()).Select(c => c.Name), Does.Not.Contain("ep_session"));
        await Page.GotoAsync("/ui/");
        Assert.That(new Uri(Page.Url).AbsolutePath, Is.EqualTo("/ui/sign-in"), "signed out, the overview is behind the sign-in again");
    }

    [Test]
    public async Task Should_show_an_admin_as_such()
    {
        await SignInAsync(RunningPlatform.AdminKey);

        await Expect(Page.GetByTestId("user")).ToHaveTextAsync("root (admin)");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Jobs per state (everyone)" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task Should_refuse_a_forged_cross_site_post()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sleep", "120" }, timeoutSeconds = 300 });
        await SignInAsync(RunningPlatform.AliceKey);
        var cancel = $"{Platform.BaseAddress}jobs/{jobId}/cancel";

        // Another site (localhost is not the site 127.0.0.1, and a loopback page may call loopback), and a
        // sibling on the same host (another port is the same site, so the browser sends the SameSite=Strict
        // cookie along): each posts to the cancel of alice's job while she visits it.
        var statuses = new List<int>();
        foreach (var attacker in new[] { "http://localhost:9/", "http://127.0.0.1:9/" })
        {
            await Page.RouteAsync(attacker, route => route.FulfillAsync(new()
            {
                ContentType = "text/html",
                Body = $"<!doctype html><p>win a prize</p><form method=post enctype=text/plain action=\"{cancel}\"><input name=reason value=forged></form>",
            }));
            await Page.GotoAsync(attacker);
            var response = await Page.RunAndWaitForResponseAsync(() => Page.Locator("form").EvaluateAsync("form => form.submit()"), cancel);
            statuses.Add(response.Status);
        }

        Assert.That(statuses, Is.EqualTo(new[] { 401, 403 }), "another site's request carries no session; a sibling's carries no CSRF token");
        var job = await GetJobAsync(jobId);
        Assert.That(job.GetProperty("cancelRequestedAt").ValueKind, Is.EqualTo(JsonValueKind.Null), "nothing was cancelled");
        using var cleanup = await Platform.Http.PostAsJsonAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), new { reason = "test over" });
        Assert.That(cleanup.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
    }
}
