using Imprint.Keys;
using Imprint.Station;
using Imprint.Station.Execution;
using Imprint.Targets.Virtual;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests.Cloud;

/// <summary>
/// What every station-against-the-cloud test stands on: the real cloud in process, one clock for
/// both, a temp folder, the image signer's key, and the station's HTTP client behind a
/// <see cref="NetworkCut"/>.
/// </summary>
internal sealed class CloudStationRig : IAsyncDisposable
{
    private CloudStationRig(TempDirectory temp, FakeTimeProvider time, NetworkCut network, HttpClient stationHttp, InProcessCloud cloud)
    {
        Temp = temp;
        Time = time;
        Network = network;
        StationHttp = stationHttp;
        Cloud = cloud;
    }

    public TempDirectory Temp { get; }

    public FakeTimeProvider Time { get; }

    public SigningKey Signer { get; } = SigningKey.Create();

    public NetworkCut Network { get; }

    public HttpClient StationHttp { get; }

    public InProcessCloud Cloud { get; }

    public static async Task<CloudStationRig> StartAsync()
    {
        var temp = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var network = new NetworkCut();
        var cloud = await InProcessCloud.StartAsync(Directory.CreateDirectory(temp.File("cloud")).FullName, time);
        return new CloudStationRig(temp, time, network, new HttpClient(network) { Timeout = TimeSpan.FromSeconds(60) }, cloud);
    }

    /// <summary>A part to program: a virtual LM3S6965 whose unique id follows from <paramref name="seed"/>.</summary>
    public static VirtualTargetSession Part(int seed) => new(new VirtualMcu(TestDevices.Lm3s6965(), (ulong)seed));

    /// <summary>Opens the station (in the rig's "station" folder unless told otherwise), trusting the rig's image signer.</summary>
    public async Task<Station.Station> OpenStationAsync(string? directory = null)
    {
        var station = await Station.Station.OpenAsync(new StationOptions { Directory = directory ?? Temp.File("station"), Time = Time, CloudHttp = StationHttp });
        station.Keys.Add(Signer.PublicKey);
        return station;
    }

    public async ValueTask DisposeAsync()
    {
        await Cloud.DisposeAsync();
        StationHttp.Dispose();
        Network.Dispose();
        Signer.Dispose();
        Temp.Dispose();
    }
}
