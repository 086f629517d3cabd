using System.Net;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Apis;

/// <summary>Nothing of one account is visible to or usable by another: every endpoint, one by one.</summary>
public abstract class IsolationTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    [Fact]
    public async Task OtherAccount_GetsNotFound_OnEveryOwnerEndpoint()
    {
        var (owner, account) = await Host.NewAccountAsync("Victim");
        var (intruder, _) = await Host.NewAccountAsync("Intruder");
        var f = account.DefaultFactory.Id;
        var station = await Host.NewStationAsync(owner, f);
        var job = await RegisterJobAsync(owner, f);
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
        await station.Client.ReportResultsAsync([Record(grant, 0)]);
        var cred = (await owner.ListCredentialsAsync()).Single();

        var calls = new (string Name, Func<Task> Call)[]
        {
            ("factory rename", () => intruder.RenameFactoryAsync(f, "mine")),
            ("factory delete", () => intruder.DeleteFactoryAsync(f)),
            ("provisioning token", () => intruder.CreateProvisioningTokenAsync(f, new ProvisioningTokenRequest())),
            ("station list by factory", () => intruder.ListStationsAsync(f)),
            ("station get", () => intruder.GetStationAsync(station.Id)),
            ("station deprovision", () => intruder.DeprovisionStationAsync(station.Id)),
            ("station reassign", () => intruder.ReassignStationAsync(station.Id, f)),
            ("job get", () => intruder.GetJobAsync(job.Id)),
            ("job list by factory", () => intruder.ListJobsAsync(f)),
            ("job register in factory", () => RegisterJobAsync(intruder, f)),
            ("job revise", () => intruder.ReviseJobAsync(job.Id, new JobRevisionRequest("x", Sha("x")))),
            ("job stations", () => intruder.SetJobStationsAsync(job.Id, new JobStationsRequest(true))),
            ("job restrictions", () => intruder.SetJobRestrictionsAsync(job.Id, new JobRestrictions(1))),
            ("job image", () => intruder.UploadJobImageAsync(job.Id, new MemoryStream([1]))),
            ("credential revoke", () => intruder.RevokeCredentialAsync(cred.Id)),
            ("credential for foreign user", () => intruder.CreateCredentialAsync(new CreateCredentialRequest("x", cred.UserId))),
        };
        var actions = JobsApiActions().Select(a => ($"job {a}", (Func<Task>)(() => intruder.JobActionAsync(job.Id, a))));
        foreach (var (name, call) in calls.Concat(actions))
        {
            var ex = await Should.ThrowAsync<CloudApiException>(call, name);
            ex.Status.ShouldBe(HttpStatusCode.NotFound, name + ": " + ex.Message);
        }

        (await intruder.ListFactoriesAsync()).Select(x => x.Id).ShouldNotContain(f);
        (await intruder.ListStationsAsync()).ShouldBeEmpty();
        (await intruder.ListJobsAsync(includeDeleted: true)).ShouldBeEmpty();
        (await intruder.QueryRecordsAsync(new RecordFilter())).Items.ShouldBeEmpty();
        (await intruder.QueryRecordsAsync(new RecordFilter(JobId: job.Id))).Items.ShouldBeEmpty();
        (await intruder.ExportRecordsAsync(new RecordFilter(), "csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1);
        (await intruder.ListSerialPoolsAsync()).ShouldBeEmpty();
        (await intruder.ListAuditAsync()).Select(a => a.Target).ShouldNotContain(job.Id);
        (await intruder.ListCredentialsAsync()).Select(c => c.Id).ShouldNotContain(cred.Id);
        (await intruder.GetUtilizationAsync(Host.Time.GetUtcNow().AddDays(-1), Host.Time.GetUtcNow().AddDays(1))).ShouldBeEmpty();

        // Nothing changed on the victim's side.
        var after = await owner.GetJobAsync(job.Id);
        after.Status.ShouldBe(JobStatus.Active);
        after.Counters.ShouldBe(new JobCounters(1, 0, 0, null));
        (await owner.GetStationAsync(station.Id)).Status.ShouldBe(StationStatus.Active);
        (await owner.ListFactoriesAsync()).Single().Name.ShouldBe("My Default Factory");
    }

    [Fact]
    public async Task OtherAccountsStation_CannotUseJobsOrReportOrDownload()
    {
        var (owner, account) = await Host.NewAccountAsync("Victim");
        var (intruder, intruderAccount) = await Host.NewAccountAsync("Intruder");
        var mine = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var theirs = await Host.NewStationAsync(intruder, intruderAccount.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, image: "shared-name");
        var grant = await mine.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
        await Refused(() => theirs.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.NotFound);
        await Refused(() => theirs.Client.RequestGrantAsync(new GrantRequest(null, "shared-name", 1)), HttpStatusCode.NotFound);
        await Refused(() => theirs.Client.ReportResultsAsync([Record(grant, 0)]), HttpStatusCode.NotFound);
        await Refused(() => theirs.Client.DownloadImageAsync(job.Id, new MemoryStream()), HttpStatusCode.NotFound);
        (await theirs.Client.HeartbeatAsync(new HeartbeatRequest(null, null))).Jobs.ShouldBeEmpty();
        (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(0, 0, 1, null));
    }

    private static string[] JobsApiActions() => ["pause", "resume", "disable", "restart", "delete"];
}

public sealed class IsolationTests_Sqlite(SqliteCloudFixture f) : IsolationTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class IsolationTests_Postgres(PostgresCloudFixture f) : IsolationTests(f), IClassFixture<PostgresCloudFixture>;
