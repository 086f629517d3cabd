using Imprint.Devices;

namespace Imprint.Projects;

/// <summary>How the station reaches the target's debug port.</summary>
/// <param name="Interface">SWD or JTAG.</param>
/// <param name="ClockKhz">The debug clock in kHz.</param>
public sealed record ConnectionSettings(DebugInterface Interface, int ClockKhz);

/// <summary>How the station powers the target.</summary>
/// <param name="Voltage">The supply voltage in volts; 0 when the target powers itself.</param>
/// <param name="PowerOnDelayMs">How long to wait after power-on before connecting, in milliseconds.</param>
/// <param name="PowerOffAfter">Whether to switch the supply off after each unit.</param>
public sealed record PowerSettings(double Voltage, int PowerOnDelayMs, bool PowerOffAfter);

/// <summary>Restrictions on how often and when an image may program.</summary>
/// <param name="MaxCount">The most units that may be programmed successfully, or <see langword="null"/> for no limit.</param>
/// <param name="ValidFrom">The first instant programming is allowed, or <see langword="null"/>.</param>
/// <param name="ValidUntil">The last instant programming is allowed, or <see langword="null"/>.</param>
public sealed record Restrictions(long? MaxCount, DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil)
{
    /// <summary>Gets restrictions that allow everything.</summary>
    public static Restrictions None { get; } = new(null, null, null);
}

/// <summary>The cloud account and virtual factory a JOB image is tied to.</summary>
/// <param name="AccountId">The account (tenant) id.</param>
/// <param name="FactoryId">The virtual factory id.</param>
/// <param name="CloudUrl">The cloud's base URL.</param>
public sealed record CloudBinding(string AccountId, string FactoryId, string CloudUrl);
