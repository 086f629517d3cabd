using System.Net;
using System.Text.Json;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Apis;

public abstract class RecordsApiTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    [Fact]
    public async Task Query_FiltersAndPages()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var a = await Host.NewStationAsync(owner, account.DefaultFactory.Id, "a");
        var b = await Host.NewStationAsync(owner, account.DefaultFactory.Id, "b");
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var other = await RegisterJobAsync(owner, account.DefaultFactory.Id, serials: []);
        var t0 = Host.Time.GetUtcNow();
        var ga = await a.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 5));
        await a.Client.ReportResultsAsync([.. Enumerable.Range(0, 5).Select(i => Record(ga, i, success: i != 2, at: t0.AddMinutes(i)))]);
        var gb = await b.Client.RequestGrantAsync(new GrantRequest(other.Id, null, 2));
        await b.Client.ReportResultsAsync([Record(gb, 0, at: t0.AddMinutes(10)), Record(gb, 1, at: t0.AddMinutes(11))]);

        (await owner.QueryRecordsAsync(new RecordFilter())).Items.Count.ShouldBe(7);
        (await owner.QueryRecordsAsync(new RecordFilter(JobId: job.Id))).Items.Count.ShouldBe(5);
        (await owner.QueryRecordsAsync(new RecordFilter(StationId: b.Id))).Items.Select(r => r.JobId).Distinct().ShouldBe([other.Id]);
        var failed = (await owner.QueryRecordsAsync(new RecordFilter(Result: UnitResult.Failure))).Items.Single();
        failed.FailureMessage.ShouldBe("Verify failed at 0x08000400.");
        failed.Serials.Single().Value.ShouldBe(1002);
        failed.TestResults.Single().Passed.ShouldBeFalse();
        failed.CustomData["uid"].ShouldBe("0123456789ABCDEF01234567");
        failed.DurationMs.ShouldBe(1500);
        (await owner.QueryRecordsAsync(new RecordFilter(Serial: 1003))).Items.Single().UnitIndex.ShouldBe(3);
        (await owner.QueryRecordsAsync(new RecordFilter(From: t0.AddMinutes(1), To: t0.AddMinutes(4)))).Items.Select(r => r.UnitIndex).ShouldBe([3, 2, 1]);

        var page1 = await owner.QueryRecordsAsync(new RecordFilter(), limit: 3);
        page1.Items.Count.ShouldBe(3);
        var page2 = await owner.QueryRecordsAsync(new RecordFilter(), limit: 3, cursor: page1.NextCursor);
        var page3 = await owner.QueryRecordsAsync(new RecordFilter(), limit: 3, cursor: page2.NextCursor);
        page3.NextCursor.ShouldBeNull();
        page1.Items.Concat(page2.Items).Concat(page3.Items).Select(r => r.Id).Distinct().Count().ShouldBe(7);
        await Refused(() => owner.QueryRecordsAsync(new RecordFilter(), limit: 0), HttpStatusCode.BadRequest, "limit: is 0");
    }

    [Fact]
    public async Task Export_CsvAndJsonLines_MatchTheQuery()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 3));
        var records = new[] { Record(grant, 0), Record(grant, 1, success: false) with { FailureMessage = "bad \"quote\", comma" }, Record(grant, 2) };
        await station.Client.ReportResultsAsync(records);

        var csv = await owner.ExportRecordsAsync(new RecordFilter(JobId: job.Id), "csv");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(4);
        lines[0].ShouldStartWith("id,job_id,image_id");
        csv.ShouldContain("\"bad \"\"quote\"\", comma\"");
        csv.ShouldContain("sn=1001");

        var jsonl = await owner.ExportRecordsAsync(new RecordFilter(JobId: job.Id, Result: UnitResult.Success), "jsonl");
        var parsed = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<RecordView>(l, CloudJson.Options)!).ToList();
        parsed.Select(r => r.Id).ShouldBe((await owner.QueryRecordsAsync(new RecordFilter(JobId: job.Id, Result: UnitResult.Success))).Items.Select(r => r.Id));
        await Refused(() => owner.ExportRecordsAsync(new RecordFilter(), "xml"), HttpStatusCode.BadRequest, "'xml' is not csv or jsonl.");
    }

    [Fact]
    public async Task Upload_AwkwardText_AndNulls_RoundTripExactly()
    {
        // Records reach the database as one JSON array parameter; every kind of text must survive it.
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 2));
        const string awkward = "quote \" back\\slash \\u0041 tab\t nl\n ümlaut 日本 🔥 {\"a\":[1]} '; DROP TABLE records; --";
        var failed = Record(grant, 0, success: false) with
        {
            FailureStep = awkward,
            FailureMessage = awkward,
            CustomData = new Dictionary<string, string> { ["uid"] = awkward, ["key \"ü\" 日本"] = "" },
            DynamicData = new Dictionary<string, string> { ["mac"] = "00:11:22:33:44:55", ["note"] = awkward },
        };
        var plain = Record(grant, 1) with { CustomData = null, TestResults = null, DynamicData = null, Steps = null };
        (await station.Client.ReportResultsAsync([failed, plain])).Accepted.ShouldBe(2);

        var stored = (await owner.QueryRecordsAsync(new RecordFilter(JobId: job.Id))).Items.ToDictionary(r => r.Id);
        stored[failed.Id].FailureStep.ShouldBe(awkward);
        stored[failed.Id].FailureMessage.ShouldBe(awkward);
        stored[failed.Id].CustomData.ShouldBe(failed.CustomData);
        stored[failed.Id].DynamicData.ShouldBe(failed.DynamicData);
        stored[failed.Id].DurationMs.ShouldBe(1500);
        stored[plain.Id].FailureStep.ShouldBeNull();
        stored[plain.Id].FailureMessage.ShouldBeNull();
        stored[plain.Id].CustomData.ShouldBeEmpty();
        stored[plain.Id].UnitIndex.ShouldBe(1);
    }

    [Fact]
    public async Task Utilization_PerStation()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var idle = await Host.NewStationAsync(owner, account.DefaultFactory.Id, "idle");
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 4));
        await station.Client.ReportResultsAsync([.. Enumerable.Range(0, 4).Select(i => Record(grant, i, success: i > 0))]);
        var now = Host.Time.GetUtcNow();
        var rows = await owner.GetUtilizationAsync(now.AddHours(-1), now.AddHours(1));
        var busy = rows.Single(r => r.StationId == station.Id);
        busy.Programmed.ShouldBe(3);
        busy.Failed.ShouldBe(1);
        busy.BusyMs.ShouldBe(6000);
        busy.Utilization.ShouldBe(6000 / 7_200_000.0, 1e-9);
        rows.Single(r => r.StationId == idle.Id).Programmed.ShouldBe(0);
    }
}

public sealed class RecordsApiTests_Sqlite(SqliteCloudFixture f) : RecordsApiTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class RecordsApiTests_Postgres(PostgresCloudFixture f) : RecordsApiTests(f), IClassFixture<PostgresCloudFixture>;
