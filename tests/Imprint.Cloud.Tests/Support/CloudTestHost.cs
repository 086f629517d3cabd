using System.Security.Cryptography;
using Imprint.Cloud;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imprint.Tests.Support;

/// <summary>One cloud host on Kestrel at a free loopback port, with a fake clock: what `imprint cloud serve` runs.</summary>
internal sealed class CloudTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CloudTestHost(WebApplication app, FakeTimeProvider time, string baseUrl, string dataDirectory)
    {
        _app = app;
        Time = time;
        BaseUrl = baseUrl;
        DataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public FakeTimeProvider Time { get; }

    public string BaseUrl { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public T Get<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<CloudTestHost> StartAsync(string? database, string dataDirectory, FakeTimeProvider? time = null, Action<CloudOptions>? configure = null)
    {
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var options = new CloudOptions { Database = database, DataDirectory = dataDirectory, Time = time, SweepInterval = TimeSpan.Zero };
        configure?.Invoke(options);
        var app = CloudHost.Build(options, "http://127.0.0.1:0", b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CloudTestHost(app, time, address, options.DataDirectory);
    }

    /// <summary>Bootstraps a fresh account (as `imprint cloud account create` does) and returns its owner's client.</summary>
    public async Task<(CloudClient Owner, CreatedAccount Account)> NewAccountAsync(string name = "Acme")
    {
        var created = await Get<AccountService>().CreateAccountAsync(name + " " + Guid.NewGuid().ToString("N")[..6], "Olivia Owner", BaseUrl, CancellationToken.None);
        return (new CloudClient(Http, created.Credentials), created);
    }

    /// <summary>Provisions a station in a factory with a fresh P-256 key.</summary>
    public async Task<TestStation> NewStationAsync(CloudClient owner, string factoryId, string name = "line-1")
    {
        var token = await owner.CreateProvisioningTokenAsync(factoryId, new ProvisioningTokenRequest());
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var registration = await StationCloudClient.RegisterAsync(Http, new Uri(BaseUrl), token.Token, key, name, "1.0.0", Time);
        return new TestStation(registration, key, new StationCloudClient(Http, new Uri(BaseUrl), registration.StationId, key, Time));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A provisioned station: its registration, key and signed client.</summary>
internal sealed record TestStation(StationRegistration Registration, ECDsa Key, StationCloudClient Client)
{
    public string Id => Registration.StationId;
}
