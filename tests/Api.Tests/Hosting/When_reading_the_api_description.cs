using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventPlatform.Contracts.Agent;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Api.Tests.Hosting;

[TestFixture]
public sealed class When_reading_the_api_description : ApiHost
{
    private JsonElement document;

    [OneTimeSetUp]
    public async Task ReadDocument()
    {
        using var anonymous = ClientFor(apiKey: null);
        using var response = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        document = await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public void Should_describe_every_endpoint_the_host_maps_with_its_name_and_a_summary()
    {
        var mapped = Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Endpoint: e, Method: m)))
            .ToList();
        Assert.That(mapped.Select(m => $"{m.Method} {Path(m.Endpoint)}"), Is.SupersetOf(new[]
        {
            "GET /healthz", "POST /jobs", "GET /jobs", "GET /jobs/{jobId}", "GET /jobs/{jobId}/events", "GET /jobs/{jobId}/timeline",
            "POST /jobs/{jobId}/cancel", "GET /jobs/{jobId}/artifacts", "GET /jobs/{jobId}/logs", "GET /artifacts/{token}",
            "GET /admin/dead-letters", "POST /admin/dead-letters/{id}/redrive",
        }));

        foreach (var (endpoint, method) in mapped)
        {
            var where = $"{method} {Path(endpoint)}";
            Assert.That(document.GetProperty("paths").TryGetProperty(Path(endpoint), out var path), Is.True, where);
            Assert.That(path.TryGetProperty(method.ToLowerInvariant(), out var operation), Is.True, where);
            Assert.That(operation.GetProperty("operationId").GetString(), Is.EqualTo(endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName).And.Not.Null, where);
            Assert.That(operation.GetProperty("summary").GetString(), Is.Not.Empty, where);
            Assert.That(operation.GetProperty("responses").TryGetProperty("500", out _), Is.True, where);
        }
    }

    [Test]
    public void Should_describe_the_api_key_and_ask_for_it_everywhere_but_the_open_calls()
    {
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.That(scheme.GetProperty("type").GetString(), Is.EqualTo("apiKey"));
        Assert.That(scheme.GetProperty("in").GetString(), Is.EqualTo("header"));
        Assert.That(scheme.GetProperty("name").GetString(), Is.EqualTo("X-Api-Key"));

        Assert.That(Operation("/jobs/{jobId}", "get").GetProperty("security")[0].TryGetProperty("ApiKey", out _), Is.True);
        Assert.That(Responses("/jobs/{jobId}", "get"), Is.SupersetOf(new[] { "200", "401", "404", "500" }));
        Assert.That(Operation("/healthz", "get").TryGetProperty("security", out _), Is.False);
        Assert.That(Responses("/healthz", "get"), Does.Not.Contain("401").And.Contain("503"));
        Assert.That(Operation("/artifacts/{token}", "get").TryGetProperty("security", out _), Is.False);
        Assert.That(Responses("/admin/dead-letters", "get"), Is.SupersetOf(new[] { "401", "403" }));
    }

    [Test]
    public void Should_describe_the_submission_with_its_body_and_every_error_it_can_answer()
    {
        var submit = Operation("/jobs", "post");
        Assert.That(Responses("/jobs", "post"), Is.EquivalentTo(new[] { "202", "400", "401", "409", "413", "415", "429", "500" }));
        foreach (var status in new[] { "400", "401", "409", "413", "415", "429", "500" })
        {
            Assert.That(submit.GetProperty("responses").GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _), Is.True, status);
        }

        var body = submit.GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        Assert.That(body.GetProperty("schema").GetProperty("$ref").GetString(), Is.EqualTo("#/components/schemas/SubmitJobBody"));
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty("SubmitJobBody");
        Assert.That(schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()), Is.EqualTo(new[] { "command" }));
        Assert.That(schema.GetProperty("properties").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[]
        {
            "command", "timeoutSeconds", "priority", "env", "maxAttempts", "retryOnExitCodes", "limits", "labels",
        }));
        Assert.That(schema.GetProperty("properties").GetProperty("timeoutSeconds").GetProperty("maximum").GetInt32(), Is.EqualTo(86_400));
        Assert.That(
            schema.GetProperty("properties").GetProperty("env").GetProperty("description").GetString(),
            Does.Contain($"names starting with {string.Join(" or ", TaskVariables.ReservedPrefixes)} are reserved"));
        var memory = document.GetProperty("components").GetProperty("schemas").GetProperty("SubmitJobLimits").GetProperty("properties").GetProperty("memoryMiB");
        Assert.That((memory.GetProperty("minimum").GetInt32(), memory.GetProperty("maximum").GetInt32()), Is.EqualTo((64, 122_880)));
    }

    [Test]
    public async Task Should_give_a_submission_example_the_api_accepts_and_a_job_example_shaped_like_a_real_job()
    {
        var example = Operation("/jobs", "post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        using var alice = ClientFor(AliceKey);
        using var response = await alice.PostAsync(
            new Uri("/jobs", UriKind.Relative), new StringContent(example.GetRawText(), Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();

        var real = await StateAsync(alice, jobId, "Succeeded");
        var shown = Operation("/jobs/{jobId}", "get").GetProperty("responses").GetProperty("200").GetProperty("content")
            .GetProperty("application/json").GetProperty("example");
        Assert.That(shown.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(real.EnumerateObject().Select(p => p.Name)));
        Assert.That(JsonSerializer.Serialize(shown.GetProperty("command")), Is.EqualTo(JsonSerializer.Serialize(real.GetProperty("command"))));
        Assert.That(JsonSerializer.Serialize(shown.GetProperty("limits")), Is.EqualTo(JsonSerializer.Serialize(real.GetProperty("limits"))));
    }

    [Test]
    public async Task Should_serve_the_api_reference_page_without_a_key()
    {
        using var anonymous = ClientFor(apiKey: null);

        using var page = await anonymous.GetAsync(new Uri("/scalar/v1", UriKind.Relative));

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("<title>EventPlatform API</title>").And.Contain("openapi/v1.json"));
        using var script = await anonymous.GetAsync(new Uri("/scalar/scalar.js", UriKind.Relative));
        Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the page's script is served by the host itself, not a CDN");
    }

    private static string Path(RouteEndpoint endpoint) =>
        "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(Part)))).TrimEnd('/');

    private static string Part(Microsoft.AspNetCore.Routing.Patterns.RoutePatternPart part) => part switch
    {
        Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
        Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
        _ => string.Empty,
    };

    private JsonElement Operation(string path, string method) => document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private IEnumerable<string> Responses(string path, string method) => Operation(path, method).GetProperty("responses").EnumerateObject().Select(p => p.Name);
}
