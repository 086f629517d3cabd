namespace Imprint.Station;

/// <summary>
/// The station refused to start a unit before touching the target: a restriction (count or
/// date), a clock set backwards, missing or malformed dynamic data, an untrusted image.
/// No serial number was consumed and no count changed.
/// </summary>
public sealed class UnitRefusedException : StationException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">One sentence giving the reason, for example "image X reached its limit of 500 units on this station."</param>
    public UnitRefusedException(string message) : base(message) { }
}
