using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;
using Microsoft.Playwright;

namespace Imprint.Tests.Dashboard.Support;

/// <summary>
/// One browser context and page, with every JavaScript console error, uncaught exception and
/// failed sub-resource collected, so a test can assert that a page loaded cleanly.
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private readonly List<string> _problems = [];

    private BrowserSession(IBrowserContext context, IPage page, CloudTestHost host)
    {
        Context = context;
        Page = page;
        Host = host;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Record($"console {message.Type}: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Record("uncaught: " + error);
        page.RequestFailed += (_, request) => Record($"request failed: {request.Method} {request.Url}: {request.Failure}");
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public CloudTestHost Host { get; }

    /// <summary>Gets the console errors and warnings, uncaught exceptions and failed requests seen so far.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    public static async Task<BrowserSession> StartAsync(IBrowserContext context, CloudTestHost host) => new(context, await context.NewPageAsync(), host);

    /// <summary>Opens a dashboard path and returns the response (its status is the page's status).</summary>
    public async Task<IResponse> GoAsync(string path)
    {
        var response = await Page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return response ?? throw new InvalidOperationException($"No response for {path}.");
    }

    /// <summary>Signs in through the sign-in page with a credentials file's id and secret.</summary>
    public async Task SignInAsync(CloudCredentials credentials, string? path = null)
    {
        await GoAsync(path ?? "/signin");
        await Page.GetByLabel("Credential id").FillAsync(credentials.Id);
        await Page.GetByLabel("Secret").FillAsync(credentials.Secret);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>Saves a full-page screenshot for reviewers (artifacts/screenshots).</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.ScreenshotDirectory, $"dashboard-{name}.png"), FullPage = true });

    /// <summary>Gets the cookies of this session as one <c>Cookie</c> header (for posting outside the browser).</summary>
    public async Task<string> CookieHeaderAsync() =>
        string.Join("; ", (await Context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));

    public void ShouldHaveNoProblems() => Problems.ShouldBeEmpty(string.Join(Environment.NewLine, Problems));

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private void Record(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }
}
