using System.Net;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Apis;

public abstract class StationProtocolApiTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    [Fact]
    public async Task Grant_IsSignedByTheCloud_AndCarriesSerials()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, serials: [Serial("sn", "main", 1000, 1), Serial("mac", "macs", 0x0200_0000, 2)]);
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 3));
        StationSignature.VerifyGrant(station.Registration.CloudPublicKey, grant).ShouldBeTrue();
        StationSignature.VerifyGrant(station.Registration.CloudPublicKey, grant with { Payload = Convert.ToBase64String([1, 2]) }).ShouldBeFalse();
        grant.Grant.StationId.ShouldBe(station.Id);
        grant.Grant.ExpiresAt.ShouldBe(Host.Time.GetUtcNow().AddMinutes(5), TimeSpan.FromSeconds(1));
        Values(grant).ShouldBe([1000, 1001, 1002]);
        Values(grant, "mac").ShouldBe([0x0200_0000, 0x0200_0002, 0x0200_0004]);
        (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(0, 0, 3, null));

        // The next grant of the job (on PostgreSQL: one statement advancing both pools) continues both.
        var next = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 2));
        StationSignature.VerifyGrant(station.Registration.CloudPublicKey, next).ShouldBeTrue();
        Values(next).ShouldBe([1003, 1004]);
        Values(next, "mac").ShouldBe([0x0200_0006, 0x0200_0008]);
        (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(0, 0, 5, null));
        (await owner.ListSerialPoolsAsync()).Select(p => (p.Name, p.NextValue)).Order().ShouldBe([("macs", 0x0200_000A), ("main", 1005)]);
    }

    [Fact]
    public async Task Results_ConsumeOnSuccess_ReturnOnFailure_SerialReusedFirst()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, maxCount: 10);
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 3));
        var response = await station.Client.ReportResultsAsync([Record(grant, 0), Record(grant, 1, success: false), Record(grant, 2)]);
        response.ShouldBe(new ResultsResponse(3, 0, 0));
        (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(2, 1, 0, 8));
        (await owner.ListSerialPoolsAsync()).Single().ShouldBe(new SerialPoolView("main", 1003, 1));
        var next = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 2));
        Values(next).ShouldBe([1001, 1003]);
        var listed = (await owner.GetStationAsync(station.Id));
        listed.Programmed.ShouldBe(2);
        listed.Failed.ShouldBe(1);
    }

    [Fact]
    public async Task BurnFailedSerials_NeverReused()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, burn: true);
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
        await station.Client.ReportResultsAsync([Record(grant, 0, success: false)]);
        Values(await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1))).ShouldBe([1001]);
    }

    [Fact]
    public async Task Pool_IsSharedAcrossJobsAndStationsOfTheAccount()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var west = await owner.CreateFactoryAsync("West");
        var a = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var b = await Host.NewStationAsync(owner, west.Id);
        var jobA = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var jobB = await RegisterJobAsync(owner, west.Id, serials: [Serial("serial", "main", 5000)]);
        Values(await a.Client.RequestGrantAsync(new GrantRequest(jobA.Id, null, 2))).ShouldBe([1000, 1001]);
        Values(await b.Client.RequestGrantAsync(new GrantRequest(jobB.Id, null, 2)), "serial").ShouldBe([5000, 5001]);
        Values(await a.Client.RequestGrantAsync(new GrantRequest(jobA.Id, null, 1))).ShouldBe([5002]);

        var (other, otherAccount) = await Host.NewAccountAsync("Other");
        var c = await Host.NewStationAsync(other, otherAccount.DefaultFactory.Id);
        var jobC = await RegisterJobAsync(other, otherAccount.DefaultFactory.Id);
        Values(await c.Client.RequestGrantAsync(new GrantRequest(jobC.Id, null, 1))).ShouldBe([1000]);
    }

    [Fact]
    public async Task Results_RetriedUpload_ChangesNothing()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, maxCount: 5);
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 2));
        var batch = new[] { Record(grant, 0), Record(grant, 1, success: false) };
        (await station.Client.ReportResultsAsync(batch)).ShouldBe(new ResultsResponse(2, 0, 0));
        (await station.Client.ReportResultsAsync(batch)).ShouldBe(new ResultsResponse(0, 2, 0));
        (await station.Client.ReportResultsAsync([batch[0], batch[0]])).ShouldBe(new ResultsResponse(0, 2, 0));
        (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(1, 1, 0, 4));
        (await owner.QueryRecordsAsync(new RecordFilter(JobId: job.Id))).Items.Count.ShouldBe(2);
        await Refused(() => station.Client.ReportResultsAsync([Record(grant, 0)]), HttpStatusCode.Conflict, "was already reported as record");
    }

    [Fact]
    public async Task Results_ForAnotherStationsGrant_AreRefusedAndChangeNothing()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var a = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var b = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var grant = await a.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 2));
        await Refused(() => b.Client.ReportResultsAsync([Record(grant, 0)]), HttpStatusCode.NotFound, $"grant '{grant.Grant.Id}' has no unit 0 for station '{b.Id}'");
        // A batch with one bad record is refused whole.
        await Refused(() => a.Client.ReportResultsAsync([Record(grant, 0), Record(grant, 7)]), HttpStatusCode.NotFound, "records[1]");
        (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(0, 0, 2, null));
        (await owner.QueryRecordsAsync(new RecordFilter())).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task PauseAndDisable_StopNewGrantsAtOnce()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
        await owner.JobActionAsync(job.Id, "pause");
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Conflict, $"Job '{job.Id}' is paused; no units are granted.");
        // A unit granted before the pause may still report.
        (await station.Client.ReportResultsAsync([Record(grant, 0)])).Accepted.ShouldBe(1);
        await owner.JobActionAsync(job.Id, "disable");
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Conflict, "is disabled");
        await owner.JobActionAsync(job.Id, "restart");
        await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
    }

    [Fact]
    public async Task JobGrantedFromBefore_EveryCheckStillHolds()
    {
        // On PostgreSQL a host grants from a job it has granted from before in one round trip,
        // checking everything inside the reservation; each change below must still be seen at once.
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var other = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, maxCount: 100);
        var grant = () => station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
        Values(await grant()).ShouldBe([1000]);
        Values(await grant()).ShouldBe([1001]);

        await owner.SetJobStationsAsync(job.Id, new JobStationsRequest(false, [other.Id]));
        await Refused(grant, HttpStatusCode.Forbidden, $"is not authorized for job '{job.Id}'");
        await owner.SetJobStationsAsync(job.Id, new JobStationsRequest(true));
        Values(await grant()).ShouldBe([1002]);

        await owner.SetJobRestrictionsAsync(job.Id, new JobRestrictions(100, ValidUntil: Host.Time.GetUtcNow().AddMinutes(-1)));
        await Refused(grant, HttpStatusCode.Conflict, "Job '" + job.Id + "' may not be programmed after");
        await owner.SetJobRestrictionsAsync(job.Id, new JobRestrictions(100, PerStationCap: 4));
        Values(await grant()).ShouldBe([1003]);
        await Refused(grant, HttpStatusCode.Conflict, "has reached the cap of 4 units");
        await owner.SetJobRestrictionsAsync(job.Id, new JobRestrictions(5));
        Values(await grant()).ShouldBe([1004]);
        await Refused(grant, HttpStatusCode.Conflict, "has 0 of 5 units left");
        await owner.SetJobRestrictionsAsync(job.Id, new JobRestrictions(100));

        // A failed unit returns its serial number: the next grant reuses it.
        var failed = await grant();
        (await station.Client.ReportResultsAsync([Record(failed, 0, success: false)])).Accepted.ShouldBe(1);
        Values(await grant()).ShouldBe(Values(failed));

        // A new revision with other serial definitions replaces the old ones at once.
        await owner.ReviseJobAsync(job.Id, new JobRevisionRequest("img-rev2-" + job.Id, Sha("rev2" + job.Id), Serials: [Serial("sn", "other", 7000, 10)], Encrypted: true));
        Values(await grant()).ShouldBe([7000]);
        Values(await grant()).ShouldBe([7010]);

        await owner.ReassignStationAsync(station.Id, (await owner.CreateFactoryAsync("Elsewhere")).Id);
        await Refused(grant, HttpStatusCode.Forbidden, "belongs to factory");
        await owner.ReassignStationAsync(station.Id, account.DefaultFactory.Id);
        Values(await grant()).ShouldBe([7020]);

        await owner.DeprovisionStationAsync(station.Id);
        await Refused(grant, HttpStatusCode.Unauthorized, $"Station '{station.Id}' is deprovisioned.");
        await Refused(() => station.Client.ReportResultsAsync([Record(failed, 0)]), HttpStatusCode.Unauthorized, "is deprovisioned");
        (await owner.GetJobAsync(job.Id)).Counters.Reserved.ShouldBe(9);
    }

    [Fact]
    public async Task ConcurrentGrants_GrantedTogether_AStationRefusedAmongThem_GetsOnlyItsOwnRefusal()
    {
        // On PostgreSQL concurrent grants of one job share a transaction; one refused request must
        // not cost the others theirs, nor leave anything of it behind.
        var (owner, account) = await Host.NewAccountAsync();
        var stations = new List<TestStation>();
        for (var i = 0; i < 6; i++)
        {
            stations.Add(await Host.NewStationAsync(owner, account.DefaultFactory.Id, $"line-{i}"));
        }

        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, maxCount: 1000, allStations: false, stationIds: stations.Skip(1).Select(s => s.Id).ToList());
        Values(await stations[1].Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1))).ShouldBe([1000]);

        var attempts = Enumerable.Range(0, 60).Select(async i =>
        {
            var station = stations[i % stations.Count];
            try
            {
                return (station, (SignedGrant?)await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1 + (i % 3))), (HttpStatusCode?)null);
            }
            catch (CloudApiException ex)
            {
                return (station, null, ex.Status);
            }
        });
        var results = await Task.WhenAll(attempts);

        results.Where(r => r.station == stations[0]).ShouldAllBe(r => r.Item2 == null && r.Item3 == HttpStatusCode.Forbidden);
        var granted = results.Where(r => r.station != stations[0]).Select(r => r.Item2.ShouldNotBeNull()).ToList();
        granted.Count.ShouldBe(50);
        granted.ShouldAllBe(g => StationSignature.VerifyGrant(stations[0].Registration.CloudPublicKey, g));
        var serials = granted.SelectMany(g => Values(g)).Order().ToList();
        serials.ShouldBe(Enumerable.Range(1001, serials.Count).Select(v => (long)v).ToList());
        (await owner.GetJobAsync(job.Id)).Counters.Reserved.ShouldBe(1 + serials.Count);
        foreach (var g in granted)
        {
            g.Grant.Units.Select(u => u.Index).ShouldBe(Enumerable.Range(0, g.Grant.Units.Count));
        }
    }

    [Fact]
    public async Task RefusedGrant_LeavesNoTrace_TheNextGrantContinuesTheSerialNumbers()
    {
        // On PostgreSQL the reservation, the pool advance, the unit inserts and the COMMIT are one
        // round trip; a short count must abort all of it, not only the count.
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, maxCount: 3);
        var first = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 2));
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 2)), HttpStatusCode.Conflict, "has 1 of 3 units left");
        var next = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
        Values(next).ShouldBe([Values(first).Max() + 1]);
        (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(0, 0, 3, 0));
        (await station.Client.ReportResultsAsync([Record(first, 0), Record(first, 1), Record(next, 0)])).Accepted.ShouldBe(3);
        (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(3, 0, 0, 0));
    }

    [Fact]
    public async Task CountExhausted_ThenExpiredReservationsReturnLazily()
    {
        var (owner, account) = await Host.NewAccountAsync();
        // This test moves the clock, so it runs its own host (own clock) on the same database.
        await using var host = await Fixture.StartHostAsync();
        var ownerHere = new CloudClient(host.Http, account.Credentials with { CloudUrl = host.BaseUrl });
        var station = await host.NewStationAsync(ownerHere, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(ownerHere, account.DefaultFactory.Id, maxCount: 3);
        var abandoned = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 3));
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Conflict, "has 0 of 3 units left (0 programmed, 3 reserved); 1 were asked for.");

        host.Time.Advance(TimeSpan.FromMinutes(14));
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Conflict, "0 of 3");
        host.Time.Advance(TimeSpan.FromMinutes(2)); // past expiry (5 min) + grace (10 min)
        var again = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 3));
        Values(again).ShouldBe(Values(abandoned)); // the reclaimed serial numbers come back first
        (await ownerHere.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(0, 0, 3, 0));

        // The abandoned grant's late result is kept, flagged, and does not push the count over.
        var late = await station.Client.ReportResultsAsync([Record(abandoned, 0)]);
        late.ShouldBe(new ResultsResponse(1, 0, 1));
        (await ownerHere.GetJobAsync(job.Id)).Counters.Programmed.ShouldBe(0);
        (await ownerHere.QueryRecordsAsync(new RecordFilter(JobId: job.Id))).Items.Single().Late.ShouldBeTrue();
        (await ownerHere.ListAuditAsync()).Select(a => a.Action).ShouldContain("count.late-over");
    }

    [Fact]
    public async Task Sweeper_ReturnsExpiredReservations()
    {
        var (owner, account) = await Host.NewAccountAsync();
        await using var host = await Fixture.StartHostAsync();
        var ownerHere = new CloudClient(host.Http, account.Credentials with { CloudUrl = host.BaseUrl });
        var station = await host.NewStationAsync(ownerHere, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(ownerHere, account.DefaultFactory.Id, maxCount: 5);
        await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 2));
        host.Time.Advance(TimeSpan.FromMinutes(16));
        await host.Get<Imprint.Cloud.Services.ReservationSweeper>().SweepOnceAsync(CancellationToken.None);
        (await ownerHere.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(0, 0, 0, 5));
        (await ownerHere.ListSerialPoolsAsync()).Single().FreeValues.ShouldBe(2);
    }

    [Fact]
    public async Task Grant_BadUnitsAndUnknownJob()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest("job_nope", null, 1)), HttpStatusCode.NotFound, "Job 'job_nope' does not exist in this account.");
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest("job_nope", null, 0)), HttpStatusCode.BadRequest, "units: is 0; a grant covers 1 to 1000 units.");
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(null, null, 1)), HttpStatusCode.BadRequest, "jobId: or imageId is required.");
    }
}

public sealed class StationProtocolApiTests_Sqlite(SqliteCloudFixture f) : StationProtocolApiTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class StationProtocolApiTests_Postgres(PostgresCloudFixture f) : StationProtocolApiTests(f), IClassFixture<PostgresCloudFixture>;
