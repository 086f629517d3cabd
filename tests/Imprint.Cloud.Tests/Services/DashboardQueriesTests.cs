using Imprint.Cloud;
using Imprint.Cloud.Security;
using Imprint.Cloud.Services;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Services;

/// <summary>The dashboard's extra reads, on SQLite and on PostgreSQL: same results, confined to the caller's account.</summary>
public abstract class DashboardQueriesTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    private DashboardQueries Queries => Host.Get<DashboardQueries>();

    [Fact]
    public async Task Hourly_CountsProgrammedAndFailedUnitsPerHour_OfTheAccountOnly()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var (other, otherAccount) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var otherStation = await Host.NewStationAsync(other, otherAccount.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var second = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var otherJob = await RegisterJobAsync(other, otherAccount.DefaultFactory.Id);
        var now = Host.Time.GetUtcNow();
        var hour = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 5));
        await station.Client.ReportResultsAsync(
        [
            Record(grant, 0, at: hour.AddHours(-2).AddMinutes(1)),
            Record(grant, 1, success: false, at: hour.AddHours(-2).AddMinutes(59)),
            Record(grant, 2, at: hour.AddMinutes(-1)),
            Record(grant, 3, at: hour),
            Record(grant, 4, at: hour.AddHours(-3)), // before the window
        ]);
        var secondGrant = await station.Client.RequestGrantAsync(new GrantRequest(second.Id, null, 1));
        await station.Client.ReportResultsAsync([Record(secondGrant, 0, at: hour.AddMinutes(5))]);
        var otherGrant = await otherStation.Client.RequestGrantAsync(new GrantRequest(otherJob.Id, null, 1));
        await otherStation.Client.ReportResultsAsync([Record(otherGrant, 0, at: hour.AddMinutes(5))]);

        var all = await Queries.HourlyAsync(Owner(account), hour.AddHours(-2).AddMinutes(30), 3, null, CancellationToken.None);
        all.ShouldBe(
        [
            new HourlyCount(hour.AddHours(-2), 1, 1),
            new HourlyCount(hour.AddHours(-1), 1, 0),
            new HourlyCount(hour, 2, 0),
        ]);
        (await Queries.HourlyAsync(Owner(account), hour.AddHours(-2), 3, job.Id, CancellationToken.None)).Select(h => h.Programmed).ShouldBe([1, 1, 1]);
        (await Queries.HourlyAsync(Owner(otherAccount), hour, 1, job.Id, CancellationToken.None)).Single().ShouldBe(new HourlyCount(hour, 0, 0));
    }

    [Fact]
    public async Task ResolveJob_ByImageIdOrJobId_PrefersTheLiveJob_AndNeverAnotherAccounts()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var (intruder, intruderAccount) = await Host.NewAccountAsync();
        var image = "img-" + Guid.NewGuid().ToString("N")[..10];
        var old = await RegisterJobAsync(owner, account.DefaultFactory.Id, image: image);
        await owner.JobActionAsync(old.Id, "delete");
        var current = await RegisterJobAsync(owner, account.DefaultFactory.Id, image: image);

        (await Queries.ResolveJobIdAsync(Owner(account), image, CancellationToken.None)).ShouldBe(current.Id);
        (await Queries.ResolveJobIdAsync(Owner(account), old.Id, CancellationToken.None)).ShouldBe(old.Id);
        var refused = await Should.ThrowAsync<CloudException>(() => Queries.ResolveJobIdAsync(Owner(intruderAccount), image, CancellationToken.None));
        refused.Kind.ShouldBe(CloudErrorKind.NotFound);
        refused.Message.ShouldBe($"Job '{image}' does not exist in this account.");
        (await Should.ThrowAsync<CloudException>(() => Queries.ResolveJobIdAsync(Owner(intruderAccount), current.Id, CancellationToken.None))).Kind.ShouldBe(CloudErrorKind.NotFound);
        (await intruder.ListJobsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task GetRecord_ReturnsTheFullRecord_OnlyToItsAccount()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var (_, otherAccount) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
        var sent = Record(grant, 0, success: false);
        await station.Client.ReportResultsAsync([sent]);

        var record = await Queries.GetRecordAsync(Owner(account), sent.Id, CancellationToken.None);
        record.ShouldBe((await owner.QueryRecordsAsync(new RecordFilter(JobId: job.Id))).Items.Single(), new RecordComparer());
        record.FailureMessage.ShouldBe("Verify failed at 0x08000400.");
        record.Steps["program"].ShouldBe(900);
        var refused = await Should.ThrowAsync<CloudException>(() => Queries.GetRecordAsync(Owner(otherAccount), sent.Id, CancellationToken.None));
        refused.Message.ShouldBe($"Record '{sent.Id}' does not exist in this account.");
    }

    [Fact]
    public async Task CredentialLive_UntilRevoked_AndOnlyInItsAccount()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var (_, otherAccount) = await Host.NewAccountAsync();
        var laptop = await owner.CreateCredentialAsync(new CreateCredentialRequest("laptop"));

        (await Queries.IsCredentialLiveAsync(account.Account.Id, laptop.Id, CancellationToken.None)).ShouldBeTrue();
        (await Queries.IsCredentialLiveAsync(otherAccount.Account.Id, laptop.Id, CancellationToken.None)).ShouldBeFalse();
        await owner.RevokeCredentialAsync(laptop.Id);
        (await Queries.IsCredentialLiveAsync(account.Account.Id, laptop.Id, CancellationToken.None)).ShouldBeFalse();
    }

    private static Actor Owner(CreatedAccount account) => new(account.Account.Id, account.Owner.Id, account.Owner.Name, Role.Owner, account.Credentials.Id);

    /// <summary>Records hold dictionaries and lists, which records compare by reference: compare their JSON.</summary>
    private sealed class RecordComparer : IEqualityComparer<RecordView>
    {
        public bool Equals(RecordView? x, RecordView? y) =>
            System.Text.Json.JsonSerializer.Serialize(x, CloudJson.Options) == System.Text.Json.JsonSerializer.Serialize(y, CloudJson.Options);

        public int GetHashCode(RecordView obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}

public sealed class DashboardQueriesTests_Sqlite(SqliteCloudFixture f) : DashboardQueriesTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class DashboardQueriesTests_Postgres(PostgresCloudFixture f) : DashboardQueriesTests(f), IClassFixture<PostgresCloudFixture>;
