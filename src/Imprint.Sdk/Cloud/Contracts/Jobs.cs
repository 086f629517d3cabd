using Imprint.Projects;

namespace Imprint.Sdk.Cloud;

/// <summary>The state of a job.</summary>
public enum JobStatus
{
    /// <summary>Stations may get grants.</summary>
    Active,

    /// <summary>Temporarily stopped; resume makes it active.</summary>
    Paused,

    /// <summary>Stopped until restarted.</summary>
    Disabled,

    /// <summary>Soft-deleted: no grants, hidden from lists, logs kept.</summary>
    Deleted,
}

/// <summary>The cloud's restrictions on a job.</summary>
/// <param name="MaxCount">The most units that may be programmed successfully across all stations, or <see langword="null"/>.</param>
/// <param name="ValidFrom">The first instant a grant is given, or <see langword="null"/>.</param>
/// <param name="ValidUntil">The last instant a grant is given, or <see langword="null"/>.</param>
/// <param name="PerStationCap">The most units one station may program, or <see langword="null"/>.</param>
public sealed record JobRestrictions(long? MaxCount = null, DateTimeOffset? ValidFrom = null, DateTimeOffset? ValidUntil = null, long? PerStationCap = null);

/// <summary>Registers a job from a JOB image's metadata (no programming data).</summary>
/// <param name="FactoryId">The virtual factory it runs in.</param>
/// <param name="ImageId">The image's unique id.</param>
/// <param name="Name">The image's name.</param>
/// <param name="Description">The image's description.</param>
/// <param name="Device">The device name.</param>
/// <param name="ImageSha256">The image file's SHA-256, lower-case hex.</param>
/// <param name="Serials">The image's serial definitions; each draws from its account-wide pool.</param>
/// <param name="Restrictions">The restrictions the cloud enforces.</param>
/// <param name="BuildInfo">Free-form build information (tool version, host, time, source hashes).</param>
/// <param name="Encrypted">Whether the image's payload is encrypted; an image blob is accepted only when it is.</param>
/// <param name="BurnFailedSerials">Whether a failed unit's serial numbers are used up rather than returned.</param>
/// <param name="AllStations">Whether every station of the factory may run it.</param>
/// <param name="StationIds">The stations that may run it when <paramref name="AllStations"/> is false.</param>
public sealed record RegisterJobRequest(
    string FactoryId,
    string ImageId,
    string Name,
    string? Description,
    string? Device,
    string ImageSha256,
    IReadOnlyList<SerialDefinition>? Serials = null,
    JobRestrictions? Restrictions = null,
    IReadOnlyDictionary<string, string>? BuildInfo = null,
    bool Encrypted = false,
    bool BurnFailedSerials = false,
    bool AllStations = true,
    IReadOnlyList<string>? StationIds = null);

/// <summary>Replaces a job's image by a new revision.</summary>
/// <param name="ImageId">The new image's unique id.</param>
/// <param name="ImageSha256">The new image's SHA-256.</param>
/// <param name="Name">The new name, or <see langword="null"/> to keep it.</param>
/// <param name="Description">The new description, or <see langword="null"/> to keep it.</param>
/// <param name="Device">The new device, or <see langword="null"/> to keep it.</param>
/// <param name="Serials">The new serial definitions, or <see langword="null"/> to keep them.</param>
/// <param name="BuildInfo">The new build information, or <see langword="null"/> to keep it.</param>
/// <param name="Encrypted">Whether the new image is encrypted.</param>
/// <param name="CarryOverCounts">Whether programmed and failed counts carry over (otherwise they start at zero).</param>
public sealed record JobRevisionRequest(
    string ImageId,
    string ImageSha256,
    string? Name = null,
    string? Description = null,
    string? Device = null,
    IReadOnlyList<SerialDefinition>? Serials = null,
    IReadOnlyDictionary<string, string>? BuildInfo = null,
    bool Encrypted = false,
    bool CarryOverCounts = true);

/// <summary>Sets which stations may run a job.</summary>
/// <param name="AllStations">Every station of the job's factory.</param>
/// <param name="StationIds">Otherwise, these stations (all in the job's factory).</param>
public sealed record JobStationsRequest(bool AllStations, IReadOnlyList<string>? StationIds = null);

/// <summary>A job's counters.</summary>
/// <param name="Programmed">Units programmed successfully.</param>
/// <param name="Failed">Units that failed.</param>
/// <param name="Reserved">Units granted and not yet reported.</param>
/// <param name="Remaining">Units that may still be granted, or <see langword="null"/> without a count limit.</param>
public sealed record JobCounters(long Programmed, long Failed, long Reserved, long? Remaining);

/// <summary>A job as the owner sees it.</summary>
/// <param name="Id">The job id (stable; the dashboard's job page uses it).</param>
/// <param name="FactoryId">Its factory.</param>
/// <param name="ImageId">The current image revision's id.</param>
/// <param name="Revision">The revision number, from 1.</param>
/// <param name="Name">The name.</param>
/// <param name="Description">The description.</param>
/// <param name="Device">The device name.</param>
/// <param name="ImageSha256">The current image's SHA-256.</param>
/// <param name="Serials">The serial definitions.</param>
/// <param name="Restrictions">The restrictions.</param>
/// <param name="BuildInfo">The build information.</param>
/// <param name="Encrypted">Whether the image is encrypted.</param>
/// <param name="BurnFailedSerials">Whether failed units use up their serials.</param>
/// <param name="Status">The status.</param>
/// <param name="AllStations">Whether every station of the factory may run it.</param>
/// <param name="StationIds">The authorized stations when <paramref name="AllStations"/> is false.</param>
/// <param name="HasImage">Whether the encrypted image blob was uploaded.</param>
/// <param name="Counters">The counters.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record JobView(
    string Id,
    string FactoryId,
    string ImageId,
    long Revision,
    string Name,
    string Description,
    string Device,
    string ImageSha256,
    IReadOnlyList<SerialDefinition> Serials,
    JobRestrictions Restrictions,
    IReadOnlyDictionary<string, string> BuildInfo,
    bool Encrypted,
    bool BurnFailedSerials,
    JobStatus Status,
    bool AllStations,
    IReadOnlyList<string> StationIds,
    bool HasImage,
    JobCounters Counters,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A named serial pool of an account.</summary>
/// <param name="Name">The pool name.</param>
/// <param name="NextValue">The next value a new allocation starts from (returned values are reused first).</param>
/// <param name="FreeValues">How many returned values wait to be reused.</param>
public sealed record SerialPoolView(string Name, long NextValue, long FreeValues);
