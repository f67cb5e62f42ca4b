using System.Net;
using System.Text.Json;

namespace EventPlatform.Api.Tests.Hosting;

internal static class Problem
{
    /// <summary>
    /// Asserts an application/problem+json answer with <paramref name="status"/> whose requestId is
    /// the response's X-Request-Id, and returns its body.
    /// </summary>
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.That(body.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        Assert.That(response.Headers.GetValues("X-Request-Id").Single(), Is.Not.Empty);
        Assert.That(body.GetProperty("requestId").GetString(), Is.EqualTo(response.Headers.GetValues("X-Request-Id").Single()));
        return body;
    }
}
