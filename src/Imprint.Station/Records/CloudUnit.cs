namespace Imprint.Station.Records;

/// <summary>The cloud's permission for one unit of a cloud-connected (JOB) image, kept with its record.</summary>
/// <param name="GrantId">The grant the unit was programmed under.</param>
/// <param name="JobId">The cloud job.</param>
/// <param name="UnitIndex">The unit's index within the grant.</param>
/// <param name="Serials">The serial numbers the cloud allocated for the unit, by serial name.</param>
public sealed record CloudUnit(string GrantId, string JobId, int UnitIndex, IReadOnlyDictionary<string, ulong> Serials);
