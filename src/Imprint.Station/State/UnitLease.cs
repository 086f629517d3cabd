using Imprint.Projects;
using Imprint.Station.Records;

namespace Imprint.Station.State;

/// <summary>What a unit asks of the station before touching the target.</summary>
/// <param name="RecordId">The record id the unit will be logged under.</param>
/// <param name="ImageId">The image's unique id.</param>
/// <param name="ImageName">The image's name.</param>
/// <param name="ImageCrc">The image's CRC-32.</param>
/// <param name="Target">The target URL.</param>
/// <param name="StartedAt">When the unit starts.</param>
/// <param name="Restrictions">The image's restrictions.</param>
/// <param name="Serials">The serial definitions the script writes, one value each.</param>
/// <param name="Cloud">The cloud's grant for a JOB unit (its restrictions were checked and its serials allocated by the cloud), or <see langword="null"/>.</param>
internal sealed record UnitStart(
    string RecordId,
    string ImageId,
    string ImageName,
    uint ImageCrc,
    string Target,
    DateTimeOffset StartedAt,
    Restrictions Restrictions,
    IReadOnlyList<SerialDefinition> Serials,
    CloudUnit? Cloud = null);

/// <summary>A unit admitted by the station, holding its reserved serial numbers.</summary>
/// <param name="RecordId">The record id.</param>
/// <param name="Serials">The reserved values, one per definition, in the order asked.</param>
internal sealed record UnitLease(string RecordId, IReadOnlyList<ReservedSerial> Serials);

/// <summary>A serial number reserved for a unit.</summary>
/// <param name="Definition">The definition it is for.</param>
/// <param name="Index">The index drawn from the definition's pool.</param>
/// <param name="Value">The number: <c>Start + Index * Step</c>.</param>
internal sealed record ReservedSerial(SerialDefinition Definition, long Index, ulong Value);
