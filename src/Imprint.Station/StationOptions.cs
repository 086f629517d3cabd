using Imprint.Devices;
using Imprint.Station.Execution;
using Imprint.Targets;

namespace Imprint.Station;

/// <summary>Opens a session to the target at <paramref name="url"/>, which should be a <paramref name="device"/>.</summary>
/// <param name="url">The target URL (<c>virtual://DEVICE</c>, <c>gdb://HOST:PORT</c>).</param>
/// <param name="device">The device the image programs.</param>
/// <param name="cancellationToken">Cancels the connection.</param>
/// <returns>The open session.</returns>
public delegate Task<ITargetSession> TargetOpener(Uri url, Device device, CancellationToken cancellationToken);

/// <summary>How to open a <see cref="Station"/>.</summary>
public sealed record StationOptions
{
    /// <summary>Gets the station folder.</summary>
    /// <value>The default is <see cref="StationDirectory.DefaultPath"/>.</value>
    public string Directory { get; init; } = StationDirectory.DefaultPath();

    /// <summary>Gets the clock for records, restrictions and delay steps.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Gets the power switch power steps call.</summary>
    /// <value>The default is <see langword="null"/>: power steps are recorded only.</value>
    public IPowerSwitch? Power { get; init; }

    /// <summary>
    /// Gets a value indicating whether images signed by any key are accepted. Off by default:
    /// a station programs only images whose signer's public key is in its keystore.
    /// </summary>
    public bool TrustAnySigner { get; init; }

    /// <summary>Gets how target URLs are opened; required to program by URL.</summary>
    public TargetOpener? OpenTarget { get; init; }

    /// <summary>Gets the HTTP client for the cloud (not disposed by the station), or <see langword="null"/> for one of the station's own.</summary>
    public HttpClient? CloudHttp { get; init; }
}
