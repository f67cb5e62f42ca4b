using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace EventPlatform.ContainerTests;

/// <summary>
/// The deploy workflow's push (podman push to docker://REGISTRY/REPOSITORY:TAG), to a registry
/// (Debian's docker-registry, the Distribution registry ECR speaks the protocol of) on loopback:
/// what lands there is what ECS would pull for an X86_64 task definition.
/// </summary>
[NonParallelizable]
public class When_an_image_is_pushed_to_a_registry
{
    private DirectoryInfo storage = null!;
    private Process registry = null!;
    private string address = null!;

    [OneTimeSetUp]
    public async Task StartARegistry()
    {
        storage = Directory.CreateTempSubdirectory("ep-registry-");
        address = $"127.0.0.1:{Podman.FreePort()}";
        var config = Path.Combine(storage.FullName, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {storage.FullName}/data
            http:
              addr: {address}
            """);
        registry = Process.Start(new ProcessStartInfo("docker-registry", ["serve", config]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("docker-registry did not start.");
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{address}/v2/"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail($"docker-registry did not answer on {address} within 10 s.");
    }

    [OneTimeTearDown]
    public async Task StopTheRegistry()
    {
        if (registry is not null)
        {
            registry.Kill();
            await registry.WaitForExitAsync();
            registry.Dispose();
        }

        storage.Delete(recursive: true);
    }

    [TestCase("api", "10000:10000", "/app/EventPlatform.Host")]
    [TestCase("agent", "0:0", "/app/EventPlatform.Agent")]
    public async Task Should_hold_a_linux_amd64_image_with_its_user_and_entrypoint(string name, string user, string entrypoint)
    {
        var pushed = $"{address}/eventplatform/{name}:{Podman.Tag}";

        await Podman.RequireAsync("push", "--quiet", "--tls-verify=false", Podman.Image(name), $"docker://{pushed}");

        using var http = new HttpClient { BaseAddress = new Uri($"http://{address}") };
        using var manifestRequest = new HttpRequestMessage(HttpMethod.Get, $"/v2/eventplatform/{name}/manifests/{Podman.Tag}");
        manifestRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.docker.distribution.manifest.v2+json"));
        using var manifestResponse = await http.SendAsync(manifestRequest);
        Assert.That(manifestResponse.IsSuccessStatusCode, Is.True, $"GET manifest: {(int)manifestResponse.StatusCode}");
        using var manifest = JsonDocument.Parse(await manifestResponse.Content.ReadAsStringAsync());
        Assert.That(manifest.RootElement.GetProperty("mediaType").GetString(), Is.EqualTo("application/vnd.docker.distribution.manifest.v2+json"));

        var configDigest = manifest.RootElement.GetProperty("config").GetProperty("digest").GetString();
        using var config = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/v2/eventplatform/{name}/blobs/{configDigest}", UriKind.Relative)));
        var image = config.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(image.GetProperty("os").GetString(), Is.EqualTo("linux"));
            Assert.That(image.GetProperty("architecture").GetString(), Is.EqualTo("amd64"));
            Assert.That(image.GetProperty("config").GetProperty("User").GetString(), Is.EqualTo(user));
            Assert.That(image.GetProperty("config").GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { entrypoint }));
        });

        // Every layer the manifest names is there to pull.
        await Podman.RequireAsync("pull", "--quiet", "--tls-verify=false", pushed);
        await Podman.RequireAsync("rmi", pushed);
    }
}
