using Imprint.Cloud.Dashboard.Internal;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>What the stations page shows.</summary>
/// <param name="Frame">The page frame.</param>
/// <param name="Factories">The account's factories.</param>
/// <param name="Stations">Every station, deprovisioned ones too.</param>
/// <param name="Utilization">Each station's use over the last 24 hours.</param>
/// <param name="Jobs">The jobs that are not deleted (to list what each station may run).</param>
/// <param name="Token">A provisioning token just created (shown once).</param>
public sealed record StationsModel(
    Frame Frame, IReadOnlyList<FactoryView> Factories, IReadOnlyList<StationView> Stations, IReadOnlyList<StationUtilization> Utilization,
    IReadOnlyList<JobView> Jobs, ProvisioningToken? Token)
{
    /// <summary>Gets a factory's name.</summary>
    public string FactoryName(string id) => Factories.FirstOrDefault(f => f.Id == id)?.Name ?? id;

    /// <summary>Gets the jobs a station may run.</summary>
    public IEnumerable<JobView> JobsOf(StationView station)
    {
        ArgumentNullException.ThrowIfNull(station);
        return station.Status != StationStatus.Active
            ? []
            : Jobs.Where(j => j.FactoryId == station.FactoryId && (j.AllStations || j.StationIds.Contains(station.Id)));
    }

    /// <summary>Gets a station's use over the last 24 hours.</summary>
    public StationUtilization? UseOf(StationView station)
    {
        ArgumentNullException.ThrowIfNull(station);
        return Utilization.FirstOrDefault(u => u.StationId == station.Id);
    }
}
