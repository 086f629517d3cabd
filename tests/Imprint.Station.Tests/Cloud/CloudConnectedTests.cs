using System.Security.Cryptography;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Sdk.Cloud;
using Imprint.Station;
using Imprint.Station.Execution;
using Imprint.Targets.Virtual;
using Imprint.Testing;
using Imprint.Tests.Support;
using StationResult = Imprint.Station.Records.UnitResult;

namespace Imprint.Tests.Cloud;

/// <summary>
/// A station programming cloud-connected (JOB) images against the real cloud service hosted in
/// process on SQLite: grants before each unit, serials from the cloud's pools, durable uploads.
/// </summary>
public sealed class CloudConnectedTests : IAsyncLifetime
{
    private const string ImageName = "job-blinky";

    private static readonly SerialDefinition BoardSerial =
        new("sn", "boards", TestDevices.SerialAddress, 4, SerialEncoding.BinaryLittleEndian, 7000, 1, null);

    private CloudStationRig _rig = null!;

    public async Task InitializeAsync()
    {
        _rig = await CloudStationRig.StartAsync();
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task JobUnits_ConsumeGrants_TakeSerialsFromTheCloudPool_AndAreUploaded()
    {
        var (owner, job, imageId) = await SetUpAsync(maxCount: 10);
        await using var station = await OpenStationAsync();

        var records = new List<Imprint.Station.Records.ProgrammingRecord>();
        for (int i = 0; i < 3; i++) records.Add(await station.ProgramAsync(imageId, CloudStationRig.Part(i)));

        records.ShouldAllBe(r => r.Result == StationResult.Pass && r.Cloud != null && r.Cloud.JobId == job.Id);
        records.Select(r => r.Serials.Single().Value).ShouldBe([7000UL, 7001UL, 7002UL]);
        records.Select(r => r.Cloud!.GrantId).Distinct().Count().ShouldBe(3);
        (await station.State.CountPendingUploadsAsync()).ShouldBe(0);

        // The station's own pools were not drawn from: the numbers came from the account's pool.
        (await station.State.GetCountersAsync()).Pools.ShouldBeEmpty();
        var pool = (await owner.ListSerialPoolsAsync()).Single(p => p.Name == "boards");
        pool.ShouldNotBeNull();

        var counters = (await owner.GetJobAsync(job.Id)).Counters;
        counters.ShouldBe(new JobCounters(3, 0, 0, 7));
        var uploaded = (await owner.QueryRecordsAsync(new RecordFilter(JobId: job.Id))).Items;
        uploaded.Select(r => r.Id).Order().ShouldBe(records.Select(r => r.Id).Order());
        uploaded.ShouldAllBe(r => r.Result == UnitResult.Success);
        uploaded.SelectMany(r => r.Serials.Select(s => s.Value)).Order().ShouldBe([7000L, 7001L, 7002L]);
    }

    [Fact]
    public async Task PausedJob_RefusesTheNextUnit_WithTheCloudsReason_AndResumes()
    {
        var (owner, job, imageId) = await SetUpAsync(maxCount: null);
        await using var station = await OpenStationAsync();
        (await station.ProgramAsync(imageId, CloudStationRig.Part(1))).Result.ShouldBe(StationResult.Pass);

        await owner.JobActionAsync(job.Id, "pause");
        var refused = await Should.ThrowAsync<UnitRefusedException>(() => station.ProgramAsync(imageId, CloudStationRig.Part(2)));

        refused.Message.ShouldBe($"the cloud refused a unit of image {ImageName}: Job '{job.Id}' is paused; no units are granted.");
        (await station.State.ReadLogAsync().ToListAsync()).Count.ShouldBe(1);
        await owner.JobActionAsync(job.Id, "resume");
        (await station.ProgramAsync(imageId, CloudStationRig.Part(3))).Serials.Single().Value.ShouldBe(7001UL);
        (await owner.GetJobAsync(job.Id)).Counters.Programmed.ShouldBe(2);
    }

    [Fact]
    public async Task JobImage_IsRefused_ForAnotherAccount_AndOnAStationNeverProvisioned()
    {
        var (_, _, imageId) = await SetUpAsync(maxCount: null, provision: false);
        await using (var unprovisioned = await OpenStationAsync())
        {
            var refused = await Should.ThrowAsync<UnitRefusedException>(() => unprovisioned.ProgramAsync(imageId, CloudStationRig.Part(1)));
            refused.Message.ShouldBe(
                $"image {ImageName} is a cloud-connected (JOB) image, but station {unprovisioned.Identity.Id} is not provisioned with a cloud; run imprint station provision first.");
        }

        var (other, otherAccount) = await _rig.Cloud.NewAccountAsync("Other");
        var token = await other.CreateProvisioningTokenAsync(otherAccount.DefaultFactory.Id, new ProvisioningTokenRequest());
        await using var station = await OpenStationAsync();
        await station.ProvisionAsync(new Uri(_rig.Cloud.BaseUrl), token.Token);
        var foreign = await Should.ThrowAsync<UnitRefusedException>(() => station.ProgramAsync(imageId, CloudStationRig.Part(1)));

        foreign.Message.ShouldStartWith($"image {ImageName} is bound to cloud account ");
        foreign.Message.ShouldEndWith($", but this station is provisioned for account {otherAccount.Account.Id}.");
    }

    [Fact]
    public async Task NetworkCut_QueuesTheRecord_WhichIsUploadedLater_WithoutADuplicateCount()
    {
        var (owner, job, imageId) = await SetUpAsync(maxCount: 5);
        string recordId;
        await using (var station = await OpenStationAsync())
        {
            // The grant goes through; the network drops while the part is programmed.
            var record = await station.ProgramAsync(imageId, CloudStationRig.Part(1), progress: new SyncProgress<UnitProgress>(_ => _rig.Network.Down = true));
            record.Result.ShouldBe(StationResult.Pass);
            recordId = record.Id;
            (await station.State.CountPendingUploadsAsync()).ShouldBe(1);
            (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(0, 0, 1, 4));

            // Back up, but the cloud's answer to the upload is lost: the record stays queued.
            _rig.Network.Down = false;
            _rig.Network.LoseUploadAnswers = true;
            await Should.ThrowAsync<HttpRequestException>(() => station.Cloud!.UploadPendingAsync());
            (await station.State.CountPendingUploadsAsync()).ShouldBe(1);
            (await owner.GetJobAsync(job.Id)).Counters.Programmed.ShouldBe(1);
            _rig.Network.LoseUploadAnswers = false;
        }

        // The next start sends it again; the cloud knows the record id and counts it once.
        await using (var station = await OpenStationAsync())
        {
            (await station.State.CountPendingUploadsAsync()).ShouldBe(0);
            (await station.Cloud!.UploadPendingAsync()).Uploaded.ShouldBe(0);
        }

        (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(1, 0, 0, 4));
        (await owner.QueryRecordsAsync(new RecordFilter(JobId: job.Id))).Items.Select(r => r.Id).ShouldBe([recordId]);
    }

    [Fact]
    public async Task GrantNotSignedByTheProvisionedCloudKey_IsRefused()
    {
        var (owner, job, imageId) = await SetUpAsync(maxCount: null);
        var directory = new StationDirectory(_rig.Temp.File("station"));
        var settings = (await Imprint.Station.Cloud.CloudSettings.LoadAsync(directory))!;
        using var impostor = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await (settings with { CloudPublicKey = Convert.ToBase64String(impostor.ExportSubjectPublicKeyInfo()) }).SaveAsync(directory);

        await using var station = await OpenStationAsync();
        var refused = await Should.ThrowAsync<UnitRefusedException>(() => station.ProgramAsync(imageId, CloudStationRig.Part(1)));

        refused.Message.ShouldEndWith($"does not carry a valid signature of the cloud key {settings.CloudKeyId} this station was provisioned with.");
        (await station.State.ReadLogAsync().ToListAsync()).ShouldBeEmpty();
        (await owner.GetJobAsync(job.Id)).Counters.Programmed.ShouldBe(0);
    }

    [Fact]
    public async Task UnitInterruptedByACrash_IsReportedToTheCloudAsFailed_OnTheNextStart()
    {
        var (owner, job, imageId) = await SetUpAsync(maxCount: 5);
        string recordId;
        await using (var station = await OpenStationAsync())
        {
            // What a process killed mid-unit leaves: a grant taken and the unit admitted, no record.
            var image = await station.OpenImageAsync(imageId);
            var unit = await station.Cloud!.RequestUnitAsync(image, CancellationToken.None);
            recordId = "01JCRASHED0000000000000000";
            await station.State.BeginUnitAsync(new Imprint.Station.State.UnitStart(
                recordId, imageId, ImageName, image.Crc, "virtual://LM3S6965", _rig.Time.GetUtcNow(), Restrictions.None, [BoardSerial], unit));
            (await owner.GetJobAsync(job.Id)).Counters.Reserved.ShouldBe(1);
        }

        await using (var station = await OpenStationAsync())
        {
            var recovered = station.Recovered.ShouldHaveSingleItem();
            recovered.Id.ShouldBe(recordId);
            recovered.Result.ShouldBe(StationResult.Interrupted);
            recovered.Cloud!.JobId.ShouldBe(job.Id);
            (await station.State.CountPendingUploadsAsync()).ShouldBe(0);
        }

        (await owner.GetJobAsync(job.Id)).Counters.ShouldBe(new JobCounters(0, 1, 0, 5));
        (await owner.QueryRecordsAsync(new RecordFilter(JobId: job.Id))).Items.Single().Result.ShouldBe(UnitResult.Failure);
    }


    private async Task<(CloudClient Owner, JobView Job, string ImageId)> SetUpAsync(long? maxCount, bool provision = true)
    {
        var (owner, account) = await _rig.Cloud.NewAccountAsync("Acme");
        var factory = account.DefaultFactory.Id;
        var spec = TestImages.Spec(ImageName) with
        {
            Type = ImageType.Job,
            Serials = [BoardSerial],
            Binding = new CloudBinding(account.Account.Id, factory, _rig.Cloud.BaseUrl),
        };
        var path = await ImageFactory.WriteAsync(_rig.Temp.File(ImageName + ".imp"), spec, _rig.Signer);

        string imageId;
        await using (var station = await OpenStationAsync())
        {
            imageId = (await station.Images.AddAsync(path)).ImageId;
            if (provision)
            {
                var token = await owner.CreateProvisioningTokenAsync(factory, new ProvisioningTokenRequest());
                var settings = await station.ProvisionAsync(new Uri(_rig.Cloud.BaseUrl), token.Token, "line-1");
                settings.AccountId.ShouldBe(account.Account.Id);
                settings.FactoryId.ShouldBe(factory);
            }
        }

        // What the image builder registers for a JOB image: its metadata, no programming data.
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path)));
        var job = await owner.RegisterJobAsync(new RegisterJobRequest(
            factory, imageId, ImageName, "test job", spec.Device.Name, sha, spec.Serials, new JobRestrictions(maxCount)));
        return (owner, job, imageId);
    }

    private Task<Station.Station> OpenStationAsync() => _rig.OpenStationAsync();
}
