using System.Text.Json;
using System.Text.Json.Serialization;
using Imprint.Station.Cloud;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imprint.Station.Api;

/// <summary>
/// The station daemon: a <see cref="Station"/> with its HTTP control API (ASP.NET Core minimal
/// APIs) bound to 127.0.0.1 by default. Every request needs the station's API key. See
/// <c>docs/station-api.md</c>.
/// </summary>
public sealed class StationServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly UnitRunner _runner;
    private readonly CloudSyncLoop? _sync;

    private StationServer(WebApplication app, Station station, UnitRunner runner, CloudSyncLoop? sync, Uri url, string apiKey)
    {
        _app = app;
        _runner = runner;
        _sync = sync;
        Station = station;
        Url = url;
        ApiKey = apiKey;
    }

    /// <summary>Gets the station the API drives.</summary>
    public Station Station { get; }

    /// <summary>Gets the base URL the API listens on (for example <c>http://127.0.0.1:8600</c>).</summary>
    public Uri Url { get; }

    /// <summary>Gets the API key requests must carry.</summary>
    public string ApiKey { get; }

    /// <summary>Gets the latest periodic exchange with the cloud, or <see langword="null"/> before the first (or when the station is not provisioned).</summary>
    public CloudSyncRun? LastCloudSync => _sync?.Last;

    /// <summary>Opens the station and starts listening.</summary>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="StationException">The station folder is in use or damaged, or the API key file is unusable.</exception>
    public static async Task<StationServer> StartAsync(StationServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var station = await Station.OpenAsync(options.Station, cancellationToken);
        try
        {
            var apiKey = await Api.ApiKey.LoadOrCreateAsync(station.Directory, options.ApiKeyFile, cancellationToken);
            var runner = new UnitRunner(station, options.Target, options.Station.Time);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.Listen(options.Address, options.Port);
                k.Limits.MaxRequestBodySize = 4L << 30;
            });
            builder.Services.AddProblemDetails();
            builder.Services.AddSingleton(station);
            builder.Services.AddSingleton(runner);
            builder.Services.Configure<JsonOptions>(o =>
            {
                o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
                o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
                o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            });
            var app = builder.Build();
            app.UseMiddleware<ApiKeyMiddleware>(apiKey);
            app.MapStationInfoApi().MapImagesApi().MapKeysApi().MapUnitsApi().MapLogApi().MapUploadsApi();
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

            // Only a provisioned station has a cloud to talk to; provisioning needs the folder, which this process holds.
            var sync = station.Cloud is { } link && options.CloudSyncInterval > TimeSpan.Zero
                ? new CloudSyncLoop(link, station.State, options.CloudSyncInterval, options.Station.Time, options.OnCloudSync)
                : null;
            return new StationServer(app, station, runner, sync, new Uri(address), apiKey);
        }
        catch (IOException ex)
        {
            await station.DisposeAsync();
            throw new StationException($"the control API cannot listen on {options.Address}:{options.Port}: {ex.Message}", ex);
        }
        catch
        {
            await station.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the unit in progress (if any) has finished.</summary>
    /// <returns>A task that completes when no unit runs.</returns>
    public Task WaitForUnitAsync() => _runner.WaitAsync();

    /// <summary>Stops the exchange with the cloud (a download in progress leaves nothing behind), stops listening, lets a unit in progress finish (or be cancelled and recorded), and closes the station.</summary>
    /// <returns>A task that completes when everything is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_sync is not null) await _sync.DisposeAsync();
        await _app.StopAsync();
        _runner.Dispose();
        await _app.DisposeAsync();
        await Station.DisposeAsync();
    }
}
