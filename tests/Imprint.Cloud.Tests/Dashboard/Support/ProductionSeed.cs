using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Dashboard.Support;

/// <summary>
/// A fresh account in production, made through the API and the station protocol only: two
/// stations, one job with a count limit and a serial pool, and a few hours of programmed and
/// failed units (the host's fake clock moves forward as they are made).
/// </summary>
internal sealed record ProductionSeed(CloudClient Owner, CreatedAccount Account, JobView Job, TestStation Line1, TestStation Line2)
{
    public string FactoryId => Account.DefaultFactory.Id;

    public static async Task<ProductionSeed> CreateAsync(CloudTestHost host, string name = "Acme", int hours = 5)
    {
        var (owner, account) = await host.NewAccountAsync(name);
        var line1 = await host.NewStationAsync(owner, account.DefaultFactory.Id, "line-1");
        var line2 = await host.NewStationAsync(owner, account.DefaultFactory.Id, "line-2");
        var job = await JobSeeds.RegisterAsync(owner, account.DefaultFactory.Id);
        for (var hour = 0; hour < hours; hour++)
        {
            foreach (var (station, units) in new[] { (line1, 3 + hour), (line2, 2) })
            {
                var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, units));
                var records = Enumerable.Range(0, units).Select(u => CloudApiTests.Record(grant, u, success: (u + hour) % 4 != 3)).ToList();
                (await station.Client.ReportResultsAsync(records)).Accepted.ShouldBe(units);
            }

            host.Time.Advance(TimeSpan.FromMinutes(55));
        }

        return new ProductionSeed(owner, account, await owner.GetJobAsync(job.Id), line1, line2);
    }
}
