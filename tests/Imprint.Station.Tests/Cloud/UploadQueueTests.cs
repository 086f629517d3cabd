using System.Net;
using System.Security.Cryptography;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Sdk.Cloud;
using Imprint.Station;
using Imprint.Station.Records;
using Imprint.Station.State;
using Imprint.Targets.Virtual;
using Imprint.Testing;
using Imprint.Tests.Support;
using StationResult = Imprint.Station.Records.UnitResult;

namespace Imprint.Tests.Cloud;

/// <summary>
/// The station's upload queue against the real cloud (in process, SQLite): a record the cloud
/// refuses for good is set aside as rejected and the others still arrive; transient refusals
/// keep everything queued.
/// </summary>
public sealed class UploadQueueTests : IAsyncLifetime
{
    private const string ImageName = "job-queue";

    private static readonly SerialDefinition BoardSerial =
        new("sn", "boards", TestDevices.SerialAddress, 4, SerialEncoding.BinaryLittleEndian, 100, 1, null);

    private CloudStationRig _rig = null!;
    private CloudClient _owner = null!;
    private JobView _job = null!;
    private string _imageId = null!;

    public async Task InitializeAsync()
    {
        _rig = await CloudStationRig.StartAsync();
        var (owner, account) = await _rig.Cloud.NewAccountAsync("Acme");
        _owner = owner;
        var factory = account.DefaultFactory.Id;
        var spec = TestImages.Spec(ImageName) with
        {
            Type = ImageType.Job,
            Serials = [BoardSerial],
            Binding = new CloudBinding(account.Account.Id, factory, _rig.Cloud.BaseUrl),
        };
        var path = await ImageFactory.WriteAsync(_rig.Temp.File(ImageName + ".imp"), spec, _rig.Signer);
        await using (var station = await OpenStationAsync())
        {
            _imageId = (await station.Images.AddAsync(path)).ImageId;
            var token = await owner.CreateProvisioningTokenAsync(factory, new ProvisioningTokenRequest());
            await station.ProvisionAsync(new Uri(_rig.Cloud.BaseUrl), token.Token, "line-1");
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path)));
        _job = await owner.RegisterJobAsync(new RegisterJobRequest(factory, _imageId, ImageName, "queue test", spec.Device.Name, sha, spec.Serials, new JobRestrictions(10)));
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task RecordWithAnUnknownGrant_InTheMiddleOfTheQueue_IsRejected_TheOthersArrive_AndRequeueSendsItAgain()
    {
        const string badId = "01JUNKNOWNGRANT00000000000";
        const string unknownGrant = "grt_0000000000000000000000";
        _rig.Network.BlockUploads = true;
        var good = new List<string>();
        string stationId;
        DateTimeOffset badStart;
        await using (var station = await OpenStationAsync())
        {
            stationId = station.Cloud!.Settings.StationId;
            good.Add((await station.ProgramAsync(_imageId, CloudStationRig.Part(1))).Id);

            // What a station killed mid-unit leaves when the cloud since lost the grant (a restored backup):
            // on the next start the unit is recorded as interrupted and queued like any other.
            var image = await station.OpenImageAsync(_imageId);
            badStart = _rig.Time.GetUtcNow();
            await station.State.BeginUnitAsync(new UnitStart(badId, _imageId, ImageName, image.Crc, "virtual://LM3S6965", badStart, Restrictions.None, [BoardSerial],
                new CloudUnit(unknownGrant, _job.Id, 0, new Dictionary<string, ulong> { ["sn"] = 99 })));
        }

        await using (var station = await OpenStationAsync())
        {
            station.Recovered.ShouldHaveSingleItem().Id.ShouldBe(badId);
            good.Add((await station.ProgramAsync(_imageId, CloudStationRig.Part(2))).Id);
            good.Add((await station.ProgramAsync(_imageId, CloudStationRig.Part(3))).Id);
            (await station.State.CountPendingUploadsAsync()).ShouldBe(4);

            _rig.Network.BlockUploads = false;
            var report = await station.Cloud!.UploadPendingAsync();

            report.Uploaded.ShouldBe(3);
            var rejected = report.Rejected.ShouldHaveSingleItem();
            rejected.ShouldBe(new RejectedUpload(badId, _imageId, badStart, _rig.Time.GetUtcNow(), 404, $"records[0]: grant '{unknownGrant}' has no unit 0 for station '{stationId}'."));
            (await station.State.ListRejectedUploadsAsync()).ShouldBe([rejected]);
            (await station.State.CountPendingUploadsAsync()).ShouldBe(0);
            (await station.State.GetCountersAsync()).Uploads.ShouldBe(new UploadCounter(0, 1));
            (await _owner.GetJobAsync(_job.Id)).Counters.ShouldBe(new JobCounters(3, 0, 0, 7));
            (await _owner.QueryRecordsAsync(new RecordFilter(JobId: _job.Id))).Items.Select(r => r.Id).Order().ShouldBe(good.Order());
            var states = await station.State.ReadUploadStatesAsync();
            states.ShouldBe(new Dictionary<string, UploadState> { [badId] = UploadState.Rejected });

            // A rejected record no longer holds up the queue: the next unit's record goes straight out.
            good.Add((await station.ProgramAsync(_imageId, CloudStationRig.Part(4))).Id);
            (await station.State.CountPendingUploadsAsync()).ShouldBe(0);
            (await _owner.GetJobAsync(_job.Id)).Counters.Programmed.ShouldBe(4);

            // Requeued, it is sent again: the cloud still does not know the grant, so it is rejected again, later.
            await station.State.RequeueUploadAsync(badId);
            (await station.State.CountPendingUploadsAsync()).ShouldBe(1);
            (await station.State.ListRejectedUploadsAsync()).ShouldBeEmpty();
            _rig.Time.Advance(TimeSpan.FromMinutes(5));
            var again = await station.Cloud.UploadPendingAsync();
            again.Uploaded.ShouldBe(0);
            again.Rejected.ShouldHaveSingleItem().RejectedAt.ShouldBe(_rig.Time.GetUtcNow());

            (await Should.ThrowAsync<StationException>(() => station.State.RequeueUploadAsync(good[0]))).Message
                .ShouldBe($"record {good[0]} is not waiting for the cloud (uploaded, or not a cloud-connected unit); only rejected records can be requeued.");
            (await Should.ThrowAsync<StationException>(() => station.State.RequeueUploadAsync("01JNOSUCHRECORD00000000000"))).Message
                .ShouldBe("the log holds no record 01JNOSUCHRECORD00000000000.");
            await station.State.RequeueUploadAsync(badId);
            (await Should.ThrowAsync<StationException>(() => station.State.RequeueUploadAsync(badId))).Message.ShouldBe($"record {badId} is queued for upload already.");
        }
    }

    [Fact]
    public async Task RecordRefusedByValidation_IsRejectedWithTheCloudsMessage_AndUploadedAfterRequeue()
    {
        await using var station = await OpenStationAsync();
        _rig.Network.BlockUploads = true;
        var ids = new List<string>();
        for (int i = 0; i < 3; i++) ids.Add((await station.ProgramAsync(_imageId, CloudStationRig.Part(10 + i))).Id);
        _rig.Network.BlockUploads = false;
        _rig.Network.RefuseRecord = ids[1];

        var report = await station.Cloud!.UploadPendingAsync();

        report.Uploaded.ShouldBe(2);
        var rejected = report.Rejected.ShouldHaveSingleItem();
        (rejected.RecordId, rejected.Status).ShouldBe((ids[1], 422));
        rejected.Message.ShouldBe($"records[0]: record '{ids[1]}' fails the cloud's validation (injected by the test).");
        (await _owner.GetJobAsync(_job.Id)).Counters.ShouldBe(new JobCounters(2, 0, 1, 7));

        // Fixed in the cloud: requeued, it arrives and the count is complete.
        _rig.Network.RefuseRecord = null;
        await station.State.RequeueUploadAsync(ids[1]);
        var after = await station.Cloud.UploadPendingAsync();
        (after.Uploaded, after.Rejected.Count).ShouldBe((1, 0));
        (await _owner.GetJobAsync(_job.Id)).Counters.ShouldBe(new JobCounters(3, 0, 0, 7));
        (await station.State.GetCountersAsync()).Uploads.ShouldBe(new UploadCounter(0, 0));
    }

    [Fact]
    public async Task DeprovisionedStation_Gets401_AndEveryRecordStaysQueued()
    {
        await using var station = await OpenStationAsync();
        _rig.Network.BlockUploads = true;
        for (int i = 0; i < 2; i++) (await station.ProgramAsync(_imageId, CloudStationRig.Part(20 + i))).Result.ShouldBe(StationResult.Pass);
        _rig.Network.BlockUploads = false;
        await _owner.DeprovisionStationAsync(station.Cloud!.Settings.StationId);

        var refused = await Should.ThrowAsync<CloudApiException>(() => station.Cloud.UploadPendingAsync());

        refused.Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await station.State.CountPendingUploadsAsync()).ShouldBe(2);
        (await station.State.ListRejectedUploadsAsync()).ShouldBeEmpty();
        (await Should.ThrowAsync<CloudApiException>(() => station.Cloud.SyncImagesAsync())).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await _owner.GetJobAsync(_job.Id)).Counters.Programmed.ShouldBe(0);
    }


    private Task<Station.Station> OpenStationAsync() => _rig.OpenStationAsync();
}
