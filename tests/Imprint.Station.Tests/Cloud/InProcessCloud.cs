using Imprint.Cloud;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imprint.Tests.Cloud;

/// <summary>The real cloud service on Kestrel at a free loopback port, on a SQLite file, sharing the test's clock.</summary>
internal sealed class InProcessCloud : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessCloud(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string BaseUrl { get; }

    public HttpClient Http { get; }

    public static async Task<InProcessCloud> StartAsync(string dataDirectory, TimeProvider time)
    {
        var options = new CloudOptions
        {
            Database = Path.Combine(dataDirectory, "cloud.db"),
            DataDirectory = dataDirectory,
            Time = time,
            SweepInterval = TimeSpan.Zero,
        };
        var app = CloudHost.Build(options, "http://127.0.0.1:0", b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessCloud(app, address);
    }

    /// <summary>Creates an account as <c>imprint cloud account create</c> does; returns its owner's client.</summary>
    public async Task<(CloudClient Owner, CreatedAccount Account)> NewAccountAsync(string name)
    {
        var created = await _app.Services.GetRequiredService<AccountService>().CreateAccountAsync(name, "Olivia Owner", BaseUrl, CancellationToken.None);
        return (new CloudClient(Http, created.Credentials), created);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
