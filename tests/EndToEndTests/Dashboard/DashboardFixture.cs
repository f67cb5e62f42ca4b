using Microsoft.Playwright;

namespace EventPlatform.EndToEndTests.Dashboard;

/// <summary>
/// The platform of <see cref="PlatformFixture"/> and one headless Debian chromium driven by Playwright;
/// each test gets a fresh browser context (no cookies) and leaves a screenshot of its last page under
/// the test output (screenshots/), attached to its result.
/// </summary>
public abstract class DashboardFixture : PlatformFixture
{
    /// <summary>Debian's chromium, which scripts/lib.sh installs; EP_CHROMIUM names another build.</summary>
    private static readonly string Chromium = Environment.GetEnvironmentVariable("EP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    protected IBrowserContext Browser { get; private set; } = null!;

    protected IPage Page { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartBrowser()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"No chromium at {Chromium}: ./test.sh installs Debian's chromium package (scripts/lib.sh, ep_provision_browser).");
        }

        // A busy two-core machine builds and runs other tests beside the browser.
        Assertions.SetDefaultExpectTimeout(20_000);
        playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
    }

    [OneTimeTearDown]
    public async Task StopBrowser()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    [SetUp]
    public async Task OpenPage()
    {
        Browser = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Platform.BaseAddress.ToString(),
            AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        Browser.SetDefaultTimeout(20_000);
        Page = await Browser.NewPageAsync();
    }

    [TearDown]
    public async Task KeepAScreenshot()
    {
        var folder = Directory.CreateDirectory(Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots")).FullName;
        var path = Path.Combine(folder, $"{GetType().Name}.{TestContext.CurrentContext.Test.MethodName}.png");
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            TestContext.AddTestAttachment(path);
        }
        finally
        {
            await Browser.DisposeAsync();
        }
    }

    /// <summary>Signs in on the sign-in page with <paramref name="apiKey"/> and waits for the overview.</summary>
    protected async Task SignInAsync(string apiKey, string page = "/ui/")
    {
        await Page.GotoAsync(page);
        await Page.GetByLabel("API key").FillAsync(apiKey);
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.GetByTestId("user")).Not.ToBeEmptyAsync();
    }
}
