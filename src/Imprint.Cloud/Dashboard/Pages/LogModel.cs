using Imprint.Cloud.Dashboard.Internal;
using Imprint.Sdk.Cloud;

namespace Imprint.Cloud.Dashboard.Pages;

/// <summary>What the log page shows.</summary>
/// <param name="Frame">The page frame.</param>
/// <param name="Filter">The filter as entered.</param>
/// <param name="Problem">Why the filter was not applied, if it was malformed.</param>
/// <param name="Records">The page of matching records, newest first.</param>
/// <param name="Cursor">The cursor this page started at (<see langword="null"/> on the first page).</param>
/// <param name="Jobs">Every job of the account, deleted ones too (for the job filter).</param>
/// <param name="Stations">Every station of the account (for the station filter).</param>
public sealed record LogModel(
    Frame Frame, LogFilterForm Filter, string? Problem, RecordPage Records, string? Cursor, IReadOnlyList<JobView> Jobs, IReadOnlyList<StationView> Stations)
{
    /// <summary>Records per page.</summary>
    public const int PageSize = 50;

    /// <summary>Gets job names by id.</summary>
    public IReadOnlyDictionary<string, string> JobNames { get; } = Jobs.ToDictionary(j => j.Id, j => j.Name);

    /// <summary>Gets station names by id.</summary>
    public IReadOnlyDictionary<string, string> StationNames { get; } = Stations.ToDictionary(s => s.Id, s => s.Name);

    /// <summary>Gets a link to this filter with another suffix (paging, export).</summary>
    public string Link(string path, string? extra = null)
    {
        var query = string.Join("&", new[] { extra, Filter.QueryString() }.Where(q => !string.IsNullOrEmpty(q)));
        return query.Length == 0 ? path : path + "?" + query;
    }
}
