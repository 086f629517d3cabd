using System.Net;
using Imprint.Tests.Support;

namespace Imprint.Tests.Apis;

public abstract class FactoriesApiTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    [Fact]
    public async Task CreateRenameDelete()
    {
        var (owner, _) = await Host.NewAccountAsync();
        var east = await owner.CreateFactoryAsync("East Coast Factory");
        (await owner.RenameFactoryAsync(east.Id, "East Coast")).Name.ShouldBe("East Coast");
        (await owner.ListFactoriesAsync()).Select(f => f.Name).ShouldBe(["My Default Factory", "East Coast"], ignoreOrder: true);
        await owner.DeleteFactoryAsync(east.Id);
        (await owner.ListFactoriesAsync()).Count.ShouldBe(1);
        await Refused(() => owner.RenameFactoryAsync(east.Id, "x"), HttpStatusCode.NotFound, $"Factory '{east.Id}' does not exist in this account.");
    }

    [Fact]
    public async Task Delete_RefusedWhileJobsOrStations()
    {
        var (owner, _) = await Host.NewAccountAsync();
        var west = await owner.CreateFactoryAsync("West");
        var job = await RegisterJobAsync(owner, west.Id);
        await Refused(() => owner.DeleteFactoryAsync(west.Id), HttpStatusCode.Conflict, "still has 1 job(s) that are not deleted");
        await owner.JobActionAsync(job.Id, "delete");
        var station = await Host.NewStationAsync(owner, west.Id);
        await Refused(() => owner.DeleteFactoryAsync(west.Id), HttpStatusCode.Conflict, "still has 1 active station(s)");
        await owner.DeprovisionStationAsync(station.Id);
        await owner.DeleteFactoryAsync(west.Id);
    }

    [Fact]
    public async Task Create_EmptyName_IsInvalid()
    {
        var (owner, _) = await Host.NewAccountAsync();
        await Refused(() => owner.CreateFactoryAsync("  "), HttpStatusCode.BadRequest, "name: must not be empty.");
    }
}

public sealed class FactoriesApiTests_Sqlite(SqliteCloudFixture f) : FactoriesApiTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class FactoriesApiTests_Postgres(PostgresCloudFixture f) : FactoriesApiTests(f), IClassFixture<PostgresCloudFixture>;
