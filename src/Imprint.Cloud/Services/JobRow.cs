using Imprint.Cloud.Internal;
using Imprint.Projects;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Services;

/// <summary>A row of the jobs table.</summary>
internal sealed class JobRow
{
    public const string Columns = """
        id, account_id, factory_id, image_id, revision, name, description, device, image_sha256, serials, max_count, valid_from, valid_until,
        per_station_cap, build_info, encrypted, burn_failed, all_stations, status, used, failed, reserved, blob_path, created_at, updated_at
        """;

    public string Id { get; set; } = "";

    public string AccountId { get; set; } = "";

    public string FactoryId { get; set; } = "";

    public string ImageId { get; set; } = "";

    public long Revision { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public string Device { get; set; } = "";

    public string ImageSha256 { get; set; } = "";

    public string Serials { get; set; } = "[]";

    public long? MaxCount { get; set; }

    public long? ValidFrom { get; set; }

    public long? ValidUntil { get; set; }

    public long? PerStationCap { get; set; }

    public string BuildInfo { get; set; } = "{}";

    public long Encrypted { get; set; }

    public long BurnFailed { get; set; }

    public long AllStations { get; set; }

    public string Status { get; set; } = "";

    public long Used { get; set; }

    public long Failed { get; set; }

    public long Reserved { get; set; }

    public string? BlobPath { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public JobStatus JobStatus => Roles.ReadStatus(Status);

    public IReadOnlyList<SerialDefinition> SerialDefinitions() => Json.Read<List<SerialDefinition>>(Serials, []);

    public JobCounters Counters() => new(Used, Failed, Reserved, MaxCount is { } max ? Math.Max(0, max - Used - Reserved) : null);

    public JobView ToView(IReadOnlyList<string> stationIds) => new(
        Id, FactoryId, ImageId, Revision, Name, Description, Device, ImageSha256, SerialDefinitions(),
        new JobRestrictions(MaxCount, Time.From(ValidFrom), Time.From(ValidUntil), PerStationCap),
        Json.Read<Dictionary<string, string>>(BuildInfo, []),
        Encrypted != 0, BurnFailed != 0, JobStatus, AllStations != 0, stationIds, BlobPath is not null, Counters(),
        Time.From(CreatedAt), Time.From(UpdatedAt));
}
