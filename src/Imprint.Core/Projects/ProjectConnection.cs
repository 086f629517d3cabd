using Imprint.Devices;

namespace Imprint.Projects;

/// <summary>A project's connection settings; a <see langword="null"/> value takes the device's default.</summary>
/// <param name="Interface">SWD or JTAG, or <see langword="null"/> for <see cref="Device.DefaultInterface"/>.</param>
/// <param name="ClockKhz">The debug clock in kHz, or <see langword="null"/> for <see cref="Device.DefaultClockKhz"/>.</param>
public sealed record ProjectConnection(DebugInterface? Interface = null, int? ClockKhz = null)
{
    /// <summary>Gets settings that take every default from the device.</summary>
    public static ProjectConnection Default { get; } = new();

    /// <summary>Returns the settings with the device's defaults filled in.</summary>
    /// <param name="device">The device.</param>
    /// <returns>Complete connection settings.</returns>
    public ConnectionSettings For(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new ConnectionSettings(Interface ?? device.DefaultInterface, ClockKhz ?? device.DefaultClockKhz);
    }
}
