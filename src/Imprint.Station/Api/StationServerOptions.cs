using System.Net;

namespace Imprint.Station.Api;

/// <summary>How to run a station's control API.</summary>
public sealed record StationServerOptions
{
    /// <summary>Gets the station options (folder, clock, signer policy, target opener).</summary>
    public required StationOptions Station { get; init; }

    /// <summary>Gets the target every unit is programmed on.</summary>
    public required Uri Target { get; init; }

    /// <summary>Gets the address to listen on.</summary>
    /// <value>The default is 127.0.0.1: the API is reachable from this machine only.</value>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Gets the TCP port (0 picks a free one).</summary>
    public int Port { get; init; }

    /// <summary>Gets the file holding the API key; <see langword="null"/> uses (and on first start creates) <c>api-key</c> in the station folder.</summary>
    public string? ApiKeyFile { get; init; }

    /// <summary>
    /// Gets how often a provisioned station uploads its queued records and fetches new job
    /// images from its cloud (the first time at start); <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan CloudSyncInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets a callback told the outcome of every periodic exchange with the cloud, or <see langword="null"/>.</summary>
    /// <remarks>Called on a background thread; it should return quickly.</remarks>
    public Action<Cloud.CloudSyncRun>? OnCloudSync { get; init; }
}
