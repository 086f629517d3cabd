using System.Net;
using Imprint.Projects;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Apis;

public abstract class JobsApiTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    [Fact]
    public async Task Register_AppearsInFactoryAtOnce_WithMetadata()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, maxCount: 500, image: "img-abc");
        job.Status.ShouldBe(JobStatus.Active);
        job.Revision.ShouldBe(1);
        job.Device.ShouldBe("STM32F103C8");
        job.BuildInfo["tool"].ShouldBe("imprint 0.1.0");
        job.Counters.ShouldBe(new JobCounters(0, 0, 0, 500));
        (await owner.ListJobsAsync(account.DefaultFactory.Id)).Single().Id.ShouldBe(job.Id);
        (await owner.ListFactoriesAsync()).Single().Jobs.ShouldBe(1);
        (await owner.ListSerialPoolsAsync()).Single().ShouldBe(new SerialPoolView("main", 1000, 0));
        await Refused(() => RegisterJobAsync(owner, account.DefaultFactory.Id, image: "img-abc"), HttpStatusCode.Conflict, $"Image 'img-abc' is already registered as job '{job.Id}'.");
    }

    [Fact]
    public async Task Register_InvalidFields_NameTheField()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var f = account.DefaultFactory.Id;
        await Refused(() => owner.RegisterJobAsync(new RegisterJobRequest(f, "i1", "n", null, null, "abc")), HttpStatusCode.BadRequest, "imageSha256: must be 64 hexadecimal digits");
        await Refused(() => owner.RegisterJobAsync(new RegisterJobRequest(f, "i1", "n", null, null, Sha("x"), [Serial(step: 0)])), HttpStatusCode.BadRequest, "serials[0].step: is 0");
        await Refused(() => owner.RegisterJobAsync(new RegisterJobRequest(f, "i1", "n", null, null, Sha("x"), Restrictions: new JobRestrictions(-1))), HttpStatusCode.BadRequest, "restrictions.maxCount: is -1");
        await Refused(() => owner.RegisterJobAsync(new RegisterJobRequest("fac_missing", "i1", "n", null, null, Sha("x"))), HttpStatusCode.NotFound, "Factory 'fac_missing' does not exist");
        var west = await owner.CreateFactoryAsync("West");
        var station = await Host.NewStationAsync(owner, west.Id);
        await Refused(() => RegisterJobAsync(owner, f, allStations: false, stationIds: [station.Id]), HttpStatusCode.BadRequest, $"belongs to factory '{west.Id}'");
        (await owner.ListJobsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task StatusActions_FollowTheLifecycle_AndAreAudited()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        (await owner.JobActionAsync(job.Id, "pause")).Status.ShouldBe(JobStatus.Paused);
        (await owner.JobActionAsync(job.Id, "resume")).Status.ShouldBe(JobStatus.Active);
        (await owner.JobActionAsync(job.Id, "disable")).Status.ShouldBe(JobStatus.Disabled);
        await Refused(() => owner.JobActionAsync(job.Id, "resume"), HttpStatusCode.Conflict, $"Job '{job.Id}' is disabled; resume applies only to a job that is paused.");
        (await owner.JobActionAsync(job.Id, "restart")).Status.ShouldBe(JobStatus.Active);
        (await owner.JobActionAsync(job.Id, "delete")).Status.ShouldBe(JobStatus.Deleted);
        await Refused(() => owner.JobActionAsync(job.Id, "restart"), HttpStatusCode.Conflict, "is deleted");
        (await owner.ListJobsAsync()).ShouldBeEmpty();
        (await owner.ListJobsAsync(includeDeleted: true)).Single().Status.ShouldBe(JobStatus.Deleted);
        var audit = (await owner.ListAuditAsync()).Where(a => a.Target == job.Id).Select(a => a.Action).Reverse().ToList();
        audit.ShouldBe(["job.register", "job.pause", "job.resume", "job.disable", "job.restart", "job.delete"]);
    }

    [Fact]
    public async Task Revise_ReplacesImage_CountsCarryOverOrReset()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, maxCount: 10, image: "rev1");
        var grant = await station.Client.RequestGrantAsync(new GrantRequest(null, "rev1", 2));
        await station.Client.ReportResultsAsync([Record(grant, 0), Record(grant, 1, success: false)]);

        var carried = await owner.ReviseJobAsync(job.Id, new JobRevisionRequest("rev2", Sha("rev2"), Description: "fix", CarryOverCounts: true));
        carried.Revision.ShouldBe(2);
        carried.Counters.Programmed.ShouldBe(1);
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(null, "rev1", 1)), HttpStatusCode.NotFound);
        var next = await station.Client.RequestGrantAsync(new GrantRequest(null, "rev2", 1));
        next.Grant.ImageId.ShouldBe("rev2");
        Values(next).ShouldBe([1001]); // the failed unit's 1001 came back and is reused first

        var reset = await owner.ReviseJobAsync(job.Id, new JobRevisionRequest("rev3", Sha("rev3"), CarryOverCounts: false));
        reset.Counters.Programmed.ShouldBe(0);
        reset.Counters.Failed.ShouldBe(0);
        reset.Counters.Reserved.ShouldBe(1);
    }

    [Fact]
    public async Task Restrictions_AreEditable_AndEnforced()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var station = await Host.NewStationAsync(owner, account.DefaultFactory.Id);
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        var now = Host.Time.GetUtcNow();
        await owner.SetJobRestrictionsAsync(job.Id, new JobRestrictions(ValidFrom: now.AddHours(1)));
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Conflict, "may not be programmed before");
        await owner.SetJobRestrictionsAsync(job.Id, new JobRestrictions(ValidUntil: now.AddHours(-1)));
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Conflict, "may not be programmed after");
        await owner.SetJobRestrictionsAsync(job.Id, new JobRestrictions(MaxCount: 3, PerStationCap: 2));
        await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 2));
        await Refused(() => station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Conflict, "has reached the cap of 2 units");
        var other = await Host.NewStationAsync(owner, account.DefaultFactory.Id, "line-2");
        await other.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
        await Refused(() => other.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Conflict, "has 0 of 3 units left");
    }

    [Fact]
    public async Task AuthorizedStations_ChangeableAtAnyTime()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var a = await Host.NewStationAsync(owner, account.DefaultFactory.Id, "a");
        var b = await Host.NewStationAsync(owner, account.DefaultFactory.Id, "b");
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id, allStations: false, stationIds: [a.Id]);
        await a.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
        await Refused(() => b.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Forbidden, $"Station '{b.Id}' is not authorized for job '{job.Id}'.");
        (await b.Client.HeartbeatAsync(new HeartbeatRequest(null, null))).Jobs.ShouldBeEmpty();
        await owner.SetJobStationsAsync(job.Id, new JobStationsRequest(false, [b.Id]));
        await b.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
        await Refused(() => a.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)), HttpStatusCode.Forbidden);
        await owner.SetJobStationsAsync(job.Id, new JobStationsRequest(true));
        await a.Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1));
    }

    [Fact]
    public async Task ImageBlob_OnlyEncryptedJobImages_MatchingHashAndId_DownloadedByAuthorizedStations()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var f = account.DefaultFactory.Id;
        var station = await Host.NewStationAsync(owner, f);
        var outsider = await Host.NewStationAsync(owner, f, "outsider");
        var (bytes, imageId, sha) = await WriteImageAsync(ImageType.Job, encrypted: true);

        var job = await owner.RegisterJobAsync(new RegisterJobRequest(f, imageId, "e", null, null, sha, Encrypted: true, AllStations: false, StationIds: [station.Id]));
        await Refused(() => owner.UploadJobImageAsync(job.Id, new MemoryStream([1, 2, 3])), HttpStatusCode.BadRequest, $"was registered with {sha}");
        await Refused(() => station.Client.DownloadImageAsync(job.Id, new MemoryStream()), HttpStatusCode.NotFound, "has no image in the cloud");
        (await owner.UploadJobImageAsync(job.Id, new MemoryStream(bytes))).HasImage.ShouldBeTrue();

        var downloaded = new MemoryStream();
        await station.Client.DownloadImageAsync(job.Id, downloaded);
        downloaded.ToArray().ShouldBe(bytes);
        await Refused(() => outsider.Client.DownloadImageAsync(job.Id, new MemoryStream()), HttpStatusCode.Forbidden, "is not authorized");
        (await owner.ListAuditAsync()).Select(a => a.Action).ShouldContain("job.image-upload");
    }

    [Fact]
    public async Task ImageBlob_PlainSapOrForeignImages_AreRefusedByTheirHeader()
    {
        var (owner, account) = await Host.NewAccountAsync();
        var f = account.DefaultFactory.Id;
        var (plain, plainId, plainSha) = await WriteImageAsync(ImageType.Job, encrypted: false);
        var job = await owner.RegisterJobAsync(new RegisterJobRequest(f, plainId, "p", null, null, plainSha, Encrypted: true));
        await Refused(() => owner.UploadJobImageAsync(job.Id, new MemoryStream(plain)), HttpStatusCode.BadRequest, $"Image {plainId} is not encrypted");

        var (sap, sapId, sapSha) = await WriteImageAsync(ImageType.Sap, encrypted: true);
        var sapJob = await owner.RegisterJobAsync(new RegisterJobRequest(f, sapId, "s", null, null, sapSha));
        await Refused(() => owner.UploadJobImageAsync(sapJob.Id, new MemoryStream(sap)), HttpStatusCode.BadRequest, "is a stand-alone (SAP) image");

        var (other, otherId, otherSha) = await WriteImageAsync(ImageType.Job, encrypted: true);
        var mismatched = await owner.RegisterJobAsync(new RegisterJobRequest(f, "not-" + otherId, "m", null, null, otherSha));
        await Refused(() => owner.UploadJobImageAsync(mismatched.Id, new MemoryStream(other)), HttpStatusCode.BadRequest, $"The image's id is {otherId}");

        var junk = System.Text.Encoding.UTF8.GetBytes(new string('x', 4000));
        var junkJob = await owner.RegisterJobAsync(new RegisterJobRequest(f, "junk", "j", null, null, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(junk))));
        await Refused(() => owner.UploadJobImageAsync(junkJob.Id, new MemoryStream(junk)), HttpStatusCode.BadRequest, "The upload is not an Imprint image");
        (await owner.ListJobsAsync()).ShouldAllBe(j => !j.HasImage);
    }
}

public sealed class JobsApiTests_Sqlite(SqliteCloudFixture f) : JobsApiTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class JobsApiTests_Postgres(PostgresCloudFixture f) : JobsApiTests(f), IClassFixture<PostgresCloudFixture>;
