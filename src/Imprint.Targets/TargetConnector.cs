using System.Globalization;
using Imprint.Devices;
using Imprint.Targets.Gdb;
using Imprint.Targets.Virtual;

namespace Imprint.Targets;

/// <summary>
/// Opens a target session from a target URL: <c>gdb://HOST:PORT</c> for a debug server that
/// speaks the GDB Remote Serial Protocol, <c>virtual://DEVICE[?seed=N]</c> for the built-in
/// virtual microcontroller in process.
/// </summary>
public static class TargetConnector
{
    /// <summary>Opens a session with the target at <paramref name="url"/>.</summary>
    /// <param name="url">The target URL.</param>
    /// <param name="device">The device the session programs against; a <c>virtual://</c> URL must name it.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The open session; dispose it to disconnect.</returns>
    /// <exception cref="TargetException">The URL is not supported or malformed, names another device, or the target cannot be reached.</exception>
    public static Task<ITargetSession> OpenAsync(string url, Device device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        return Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? OpenAsync(uri, device, cancellationToken)
            : Task.FromException<ITargetSession>(Unsupported(url));
    }

    /// <summary>Opens a session with the target at <paramref name="url"/>.</summary>
    /// <param name="url">The target URL.</param>
    /// <param name="device">The device the session programs against; a <c>virtual://</c> URL must name it.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The open session; dispose it to disconnect.</returns>
    /// <exception cref="TargetException">The URL is not supported or malformed, names another device, or the target cannot be reached.</exception>
    public static async Task<ITargetSession> OpenAsync(Uri url, Device device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(device);
        cancellationToken.ThrowIfCancellationRequested();
        switch (url.Scheme)
        {
            case "virtual":
                return OpenVirtual(url, device);
            case "gdb":
                if (url.Host.Length == 0 || url.IsDefaultPort || url.Port <= 0 || url.AbsolutePath is not ("" or "/") || url.Query.Length > 0)
                {
                    throw new TargetException($"target URL '{url.OriginalString}' needs a host and a port and nothing else: gdb://HOST:PORT.");
                }

                return await GdbTargetSession.ConnectAsync(url.Host, url.Port, device, cancellationToken: cancellationToken).ConfigureAwait(false);
            default:
                throw Unsupported(url.OriginalString);
        }
    }

    private static VirtualTargetSession OpenVirtual(Uri url, Device device)
    {
        // Device names are not host names (underscores, case): take them from the text as given.
        string text = url.OriginalString;
        string rest = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        int end = rest.IndexOfAny(['?', '/', '#']);
        string name = Uri.UnescapeDataString(end < 0 ? rest : rest[..end]);
        if (name.Length == 0)
        {
            throw new TargetException($"target URL '{text}' names no device; use virtual://DEVICE.");
        }

        if (!string.Equals(name, device.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new TargetException($"target URL '{text}' names device {name}, but the device to program is {device.Name}.");
        }

        ulong seed = 0;
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? pair : pair[..eq], value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key != "seed")
            {
                throw new TargetException($"target URL '{text}' has unknown option '{key}'; only seed=N is supported.");
            }

            if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
            {
                throw new TargetException($"target URL '{text}' has seed '{value}', which is not a whole number.");
            }
        }

        return new VirtualTargetSession(new VirtualMcu(device, seed), url);
    }

    private static TargetException Unsupported(string url) =>
        new($"target URL '{url}' is not supported; use gdb://HOST:PORT or virtual://DEVICE.");
}
