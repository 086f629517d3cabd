using Imprint.Cloud.Dashboard.Internal;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>What the overview shows.</summary>
/// <param name="Frame">The page frame.</param>
/// <param name="Today">Units finished since midnight UTC.</param>
/// <param name="Hours">Units per hour over the last 24 hours.</param>
/// <param name="Factories">Each factory with its stations and jobs.</param>
public sealed record OverviewModel(Frame Frame, TodayCounts Today, IReadOnlyList<HourlyCount> Hours, IReadOnlyList<FactoryBlock> Factories);

/// <summary>A factory with its active stations and its jobs that are not deleted.</summary>
/// <param name="Factory">The factory.</param>
/// <param name="Stations">Its active stations.</param>
/// <param name="Jobs">Its jobs.</param>
public sealed record FactoryBlock(FactoryView Factory, IReadOnlyList<StationView> Stations, IReadOnlyList<JobView> Jobs);

/// <summary>Units finished today.</summary>
/// <param name="Programmed">Successful units.</param>
/// <param name="Failed">Failed units.</param>
public sealed record TodayCounts(long Programmed, long Failed)
{
    /// <summary>Gets the share of successful units, as text ("—" before the first unit).</summary>
    public string Yield => Programmed + Failed == 0 ? "—" : Format.Percent((double)Programmed / (Programmed + Failed));

    /// <summary>Sums the hours that started on or after <paramref name="midnight"/>.</summary>
    public static TodayCounts From(IEnumerable<HourlyCount> hours, DateTimeOffset midnight)
    {
        var today = hours.Where(h => h.Start >= midnight).ToList();
        return new TodayCounts(today.Sum(h => h.Programmed), today.Sum(h => h.Failed));
    }
}
