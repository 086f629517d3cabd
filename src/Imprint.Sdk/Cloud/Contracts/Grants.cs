namespace Imprint.Sdk.Cloud;

/// <summary>A station asking permission to program units of a job.</summary>
/// <param name="JobId">The job id; or leave it null and give <paramref name="ImageId"/>.</param>
/// <param name="ImageId">The image id of the job's current revision.</param>
/// <param name="Units">How many units, 1 to 1000.</param>
public sealed record GrantRequest(string? JobId, string? ImageId, int Units);

/// <summary>One serial number allocated to a unit.</summary>
/// <param name="Name">The serial definition's name.</param>
/// <param name="Pool">The pool it came from.</param>
/// <param name="Value">The number.</param>
public sealed record SerialValue(string Name, string Pool, long Value);

/// <summary>One unit of a grant.</summary>
/// <param name="Index">The unit's index in the grant, from 0.</param>
/// <param name="Serials">Its serial numbers, one per serial definition.</param>
public sealed record GrantUnit(int Index, IReadOnlyList<SerialValue> Serials);

/// <summary>Permission to program units. A station must not start a unit after <paramref name="ExpiresAt"/>.</summary>
/// <param name="Id">The grant id.</param>
/// <param name="AccountId">The account.</param>
/// <param name="FactoryId">The factory.</param>
/// <param name="StationId">The station it was given to.</param>
/// <param name="JobId">The job.</param>
/// <param name="ImageId">The image revision it is for.</param>
/// <param name="Units">The units.</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="ExpiresAt">The last instant a unit may be started under it.</param>
/// <param name="ReportBy">When the cloud reclaims unreported units (count and serial numbers).</param>
public sealed record Grant(
    string Id,
    string AccountId,
    string FactoryId,
    string StationId,
    string JobId,
    string ImageId,
    IReadOnlyList<GrantUnit> Units,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset ReportBy);

/// <summary>A grant signed by the cloud.</summary>
/// <param name="Grant">The grant, parsed.</param>
/// <param name="Payload">The exact JSON bytes that were signed, base64.</param>
/// <param name="Signature">ECDSA P-256 SHA-256 signature of the payload (IEEE P1363, r||s), base64.</param>
/// <param name="KeyId">The id of the cloud key that signed it.</param>
public sealed record SignedGrant(Grant Grant, string Payload, string Signature, string KeyId);
