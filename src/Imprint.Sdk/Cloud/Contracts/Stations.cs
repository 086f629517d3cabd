namespace Imprint.Sdk.Cloud;

/// <summary>Asks for a one-time provisioning token for a factory.</summary>
/// <param name="Group">An optional station group the station joins.</param>
/// <param name="ExpiresInMinutes">How long the token stays valid; the default is 1440 (a day).</param>
public sealed record ProvisioningTokenRequest(string? Group = null, int? ExpiresInMinutes = null);

/// <summary>A provisioning token; the secret value is shown only once.</summary>
/// <param name="Token">The token a station registers with.</param>
/// <param name="FactoryId">The factory the station joins.</param>
/// <param name="Group">The station group, if any.</param>
/// <param name="ExpiresAt">When the token stops being accepted.</param>
/// <param name="CloudUrl">The cloud URL the station should use, as the cloud sees itself.</param>
public sealed record ProvisioningToken(string Token, string FactoryId, string? Group, DateTimeOffset ExpiresAt, string CloudUrl);

/// <summary>Whether a station may talk to the cloud.</summary>
public enum StationStatus
{
    /// <summary>Provisioned and allowed.</summary>
    Active,

    /// <summary>Deprovisioned: every request is refused.</summary>
    Deprovisioned,
}

/// <summary>A station as the owner sees it.</summary>
/// <param name="Id">The station id.</param>
/// <param name="Name">The name it registered with.</param>
/// <param name="FactoryId">Its factory.</param>
/// <param name="Group">Its group, if any.</param>
/// <param name="Status">Whether it is active.</param>
/// <param name="SoftwareVersion">The software version it last reported.</param>
/// <param name="Images">The image ids it last reported holding.</param>
/// <param name="RegisteredAt">When it registered.</param>
/// <param name="LastSeenAt">When it last made an authenticated request (to about ten seconds).</param>
/// <param name="Programmed">Units it programmed successfully (reported).</param>
/// <param name="Failed">Units it failed (reported).</param>
public sealed record StationView(
    string Id,
    string Name,
    string FactoryId,
    string? Group,
    StationStatus Status,
    string? SoftwareVersion,
    IReadOnlyList<string> Images,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? LastSeenAt,
    long Programmed,
    long Failed);

/// <summary>Moves a station to another factory.</summary>
/// <param name="FactoryId">The new factory.</param>
public sealed record ReassignStationRequest(string FactoryId);

/// <summary>A station registering its public key with a provisioning token.</summary>
/// <param name="Token">The one-time provisioning token.</param>
/// <param name="PublicKey">The station's ECDSA P-256 public key, SubjectPublicKeyInfo DER, base64.</param>
/// <param name="Name">The station's name (host name or label).</param>
/// <param name="SoftwareVersion">The station's software version.</param>
public sealed record RegisterStationRequest(string Token, string PublicKey, string Name, string? SoftwareVersion);

/// <summary>What a station learns when it registers.</summary>
/// <param name="StationId">Its id, sent with every signed request.</param>
/// <param name="AccountId">The account it belongs to.</param>
/// <param name="FactoryId">The factory it belongs to.</param>
/// <param name="CloudKeyId">The id of the cloud's grant-signing key.</param>
/// <param name="CloudPublicKey">The cloud's grant-signing public key, SubjectPublicKeyInfo DER, base64.</param>
public sealed record StationRegistration(string StationId, string AccountId, string FactoryId, string CloudKeyId, string CloudPublicKey);

/// <summary>A station telling the cloud it is alive and what it holds.</summary>
/// <param name="SoftwareVersion">Its software version.</param>
/// <param name="Images">The image ids it holds.</param>
public sealed record HeartbeatRequest(string? SoftwareVersion, IReadOnlyList<string>? Images);

/// <summary>A station's own view of itself, returned to the station.</summary>
/// <param name="StationId">Its id.</param>
/// <param name="AccountId">Its account.</param>
/// <param name="FactoryId">Its factory (it may have been reassigned).</param>
/// <param name="Jobs">The jobs it is authorized for and that are not deleted.</param>
public sealed record StationSelf(string StationId, string AccountId, string FactoryId, IReadOnlyList<StationJob> Jobs);

/// <summary>A job as a station sees it.</summary>
/// <param name="JobId">The job id.</param>
/// <param name="ImageId">The current image revision's id.</param>
/// <param name="ImageSha256">The current image's SHA-256 (hex).</param>
/// <param name="Status">The job's status.</param>
/// <param name="HasImage">Whether the encrypted image can be downloaded from the cloud.</param>
public sealed record StationJob(string JobId, string ImageId, string ImageSha256, JobStatus Status, bool HasImage);

/// <summary>How busy a station was over a time range.</summary>
/// <param name="StationId">The station id.</param>
/// <param name="Name">The station's name.</param>
/// <param name="Programmed">Successful units in the range.</param>
/// <param name="Failed">Failed units in the range.</param>
/// <param name="BusyMs">Sum of the units' durations, in milliseconds.</param>
/// <param name="Utilization">Busy time divided by the range's length (0..1).</param>
public sealed record StationUtilization(string StationId, string Name, long Programmed, long Failed, long BusyMs, double Utilization);
