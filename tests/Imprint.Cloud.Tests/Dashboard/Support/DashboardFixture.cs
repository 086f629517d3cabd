using Imprint.Testing;
using Imprint.Tests.Support;
using Microsoft.Playwright;

namespace Imprint.Tests.Dashboard.Support;

/// <summary>
/// One cloud (SQLite, Kestrel on a free loopback port, its own fake clock) and one real headless
/// Chromium per test class. Each test opens its own browser context (fresh cookies) and creates
/// its own account, so tests share neither sessions nor data.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime, IDisposable
{
    /// <summary>Debian's chromium package; Playwright's own browser download cannot work here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly TempDirectory _temp = new();
    private IPlaywright? _playwright;

    internal CloudTestHost Host { get; private set; } = null!;

    internal IBrowser Browser { get; private set; } = null!;

    /// <summary>Gets where screenshots go: <c>artifacts/screenshots</c> at the repository root (git-ignored).</summary>
    internal static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install the Debian package 'chromium' (./test.sh does).");
        }

        Host = await CloudTestHost.StartAsync(Path.Combine(_temp.Path, "cloud.db"), Path.Combine(_temp.Path, "data"));
        _playwright = await Playwright.CreateAsync();
        // Launch (not a persistent context): Playwright gives every launch a fresh, throwaway user-data dir.
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic",
            ],
            Timeout = 30_000,
        });
    }

    internal async Task<BrowserSession> OpenAsync(int width = 1440, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(20_000);
        return await BrowserSession.StartAsync(context, Host);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        _temp.Dispose();
    }

    public void Dispose()
    {
        _temp.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string FindScreenshotDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Imprint.slnx")))
        {
            dir = dir.Parent;
        }

        var path = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
