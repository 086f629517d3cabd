using Imprint.Cloud.Dashboard.Internal;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>What a job's page shows.</summary>
/// <param name="Frame">The page frame.</param>
/// <param name="Job">The job.</param>
/// <param name="FactoryName">Its factory's name.</param>
/// <param name="Pools">The serial pools its definitions draw from, with their next numbers.</param>
/// <param name="FactoryStations">The active stations of its factory (the ones that can be authorized).</param>
/// <param name="Recent">The newest records of its log.</param>
/// <param name="Hours">Its units per hour over the last 24 hours.</param>
/// <param name="ConfirmDelete">Whether to show the delete confirmation.</param>
public sealed record JobModel(
    Frame Frame, JobView Job, string FactoryName, IReadOnlyList<SerialPoolView> Pools, IReadOnlyList<StationView> FactoryStations,
    IReadOnlyList<RecordView> Recent, IReadOnlyList<HourlyCount> Hours, bool ConfirmDelete)
{
    /// <summary>Gets station names by id (authorized stations of other factories or deprovisioned ones show their id).</summary>
    public IReadOnlyDictionary<string, string> StationNames { get; } = FactoryStations.ToDictionary(s => s.Id, s => s.Name);

    /// <summary>Gets whether a station may run the job.</summary>
    public bool IsAuthorized(StationView station)
    {
        ArgumentNullException.ThrowIfNull(station);
        return Job.AllStations || Job.StationIds.Contains(station.Id);
    }
}
