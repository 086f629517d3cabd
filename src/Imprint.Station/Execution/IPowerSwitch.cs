namespace Imprint.Station.Execution;

/// <summary>
/// Switches the target's supply. A station with a controllable supply (a relay on a GPIO, a
/// USB-controlled bench supply, a programmable probe's target power pin) implements this and
/// passes it to the station; power steps and <c>power.offAfter</c> call it.
/// </summary>
/// <remarks>
/// Calls come in script order, after the target connection is open. An implementation must
/// return only once the supply has settled at the requested state, and should throw an
/// <see cref="ImprintException"/> when it cannot switch (the unit then fails at that step).
/// </remarks>
public interface IPowerSwitch
{
    /// <summary>Gets a short description for records (for example <c>relay gpio17</c>).</summary>
    string Description { get; }

    /// <summary>Switches the supply on at <paramref name="voltage"/> volts, or off.</summary>
    /// <param name="on">Whether to switch on.</param>
    /// <param name="voltage">The voltage the image asks for (0 when the target powers itself).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the supply is at the requested state.</returns>
    Task SetAsync(bool on, double voltage, CancellationToken cancellationToken);
}

/// <summary>
/// The power switch of a station without one (and of the virtual target): it switches
/// nothing and remembers what was asked, so records show the power steps ran.
/// </summary>
public sealed class RecordedPowerSwitch : IPowerSwitch
{
    private readonly Lock _gate = new();
    private readonly List<(bool On, double Voltage)> _history = [];

    /// <inheritdoc/>
    public string Description => "recorded (no switch)";

    /// <summary>Gets whether the last request switched power on.</summary>
    public bool IsOn { get; private set; }

    /// <summary>Gets every request so far, oldest first.</summary>
    public IReadOnlyList<(bool On, double Voltage)> History
    {
        get
        {
            lock (_gate) return [.. _history];
        }
    }

    /// <inheritdoc/>
    public Task SetAsync(bool on, double voltage, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _history.Add((on, voltage));
            IsOn = on;
        }

        return Task.CompletedTask;
    }
}
