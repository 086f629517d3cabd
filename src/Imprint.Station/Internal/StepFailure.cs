namespace Imprint.Station.Internal;

/// <summary>A script step found the part wrong (not blank, a read-back mismatch, a failed test).</summary>
internal sealed class StepFailure(string message, ulong? address = null) : StationException(message)
{
    public ulong? Address { get; } = address;
}
