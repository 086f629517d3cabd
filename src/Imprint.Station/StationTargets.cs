using System.Security.Cryptography;
using Imprint.Devices;
using Imprint.Targets;

namespace Imprint.Station;

/// <summary>How a station opens its target for each unit.</summary>
public static class StationTargets
{
    /// <summary>
    /// Opens <paramref name="url"/> with <see cref="TargetConnector"/>, except that a
    /// <c>virtual://DEVICE</c> URL without a seed gets a random one: each unit is a new part on
    /// the fixture, with its own unique ID, as on a real line. Give <c>?seed=N</c> for a
    /// reproducible part.
    /// </summary>
    /// <param name="url">The target URL.</param>
    /// <param name="device">The device the image programs.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The open session.</returns>
    public static Task<ITargetSession> OpenAsync(Uri url, Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme == "virtual" && !url.Query.Contains("seed=", StringComparison.Ordinal))
        {
            var seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1;
            var separator = url.Query.Length > 1 ? "&" : url.OriginalString.EndsWith('?') ? "" : "?";
            url = new Uri(url.OriginalString + separator + "seed=" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return TargetConnector.OpenAsync(url, device, cancellationToken);
    }
}
