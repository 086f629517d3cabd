using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Sdk.Cloud;
using Imprint.Station;
using Imprint.Station.Api;
using Imprint.Station.Cloud;
using Imprint.Targets.Virtual;
using Imprint.Testing;
using Imprint.Tests.Support;
using StationResult = Imprint.Station.Records.UnitResult;

namespace Imprint.Tests.Cloud;

/// <summary>
/// A provisioned station fetching encrypted JOB images from the real cloud (hosted in process on
/// SQLite): heartbeat, download, SHA-256 check, the image store's own checks, atomic placement.
/// </summary>
public sealed class ImageSyncTests : IAsyncLifetime
{
    private static readonly SerialDefinition BoardSerial =
        new("sn", "boards", TestDevices.SerialAddress, 4, SerialEncoding.BinaryLittleEndian, 500, 1, null);

    private readonly EncryptionKey _customerKey = EncryptionKey.Create("k-customer");
    private CloudStationRig _rig = null!;
    private CloudClient _owner = null!;
    private Imprint.Cloud.Services.CreatedAccount _account = null!;
    private string _stationDir = null!;

    public async Task InitializeAsync()
    {
        _rig = await CloudStationRig.StartAsync();
        (_owner, _account) = await _rig.Cloud.NewAccountAsync("Acme");
        _stationDir = _rig.Temp.File("station");
        var token = await _owner.CreateProvisioningTokenAsync(_account.DefaultFactory.Id, new ProvisioningTokenRequest());
        await using var station = await OpenStationAsync(withKey: false);
        await station.ProvisionAsync(new Uri(_rig.Cloud.BaseUrl), token.Token, "line-1");
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Sync_FetchesAnEncryptedJobImage_ThatProgramsAUnit_AndASecondSyncDownloadsNothing()
    {
        var (job, image) = await PublishAsync("job-a", seed: 1);
        await using var station = await OpenStationAsync();

        var report = await station.Cloud!.SyncImagesAsync();

        var fetched = report.Jobs.ShouldHaveSingleItem();
        fetched.ShouldBe(new JobImageSync(job.Id, image.Id, ImageSyncOutcome.Fetched,
            $"downloaded image job-a ({image.Id}) of job {job.Id} ({image.Bytes.Length} bytes) and added it to the station."));
        (await File.ReadAllBytesAsync(station.Images.PathOf(image.Id))).ShouldBe(image.Bytes);
        var stored = (await station.Images.FindAsync(image.Id)).ShouldNotBeNull();
        stored.Type.ShouldBe(ImageType.Job);
        stored.KeyId.ShouldBe("k-customer");
        Directory.GetFiles(station.Directory.ImagesPath).ShouldBe([station.Images.PathOf(image.Id)]);

        var record = await station.ProgramAsync(image.Id, CloudStationRig.Part(1));
        record.Result.ShouldBe(StationResult.Pass);
        record.Cloud!.JobId.ShouldBe(job.Id);
        record.Serials.Single().Value.ShouldBe(500UL);
        (await _owner.GetJobAsync(job.Id)).Counters.Programmed.ShouldBe(1);

        // The cloud's station list shows the version and the image held, from the heartbeat.
        var seen = await _owner.GetStationAsync(station.Cloud.Settings.StationId);
        seen.Images.ShouldBe([image.Id]);
        seen.SoftwareVersion.ShouldNotBeNullOrEmpty();

        var again = await station.Cloud.SyncImagesAsync();
        again.Jobs.ShouldHaveSingleItem().ShouldBe(new JobImageSync(job.Id, image.Id, ImageSyncOutcome.Held, $"the station holds image {image.Id} of job {job.Id} already."));
        again.Fetched.ShouldBe(0);
        _rig.Network.Downloads.ShouldBe(1);
    }

    [Fact]
    public async Task Sync_RefusesABlobThatDoesNotMatchTheJobsHash_AndStillFetchesTheOtherJobs()
    {
        var (tampered, bad) = await PublishAsync("job-bad", seed: 2);
        var (good, image) = await PublishAsync("job-good", seed: 3);

        // The cloud's stored copy is altered after upload (its disk, a backup restored wrongly).
        var blob = Directory.EnumerateFiles(_rig.Temp.File("cloud"), bad.Sha256 + ".imp", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(blob);
        bytes[^10] ^= 0x55;
        await File.WriteAllBytesAsync(blob, bytes);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));

        await using var station = await OpenStationAsync();
        var report = await station.Cloud!.SyncImagesAsync();

        report.Jobs.Select(j => j.JobId).Order().ShouldBe(new[] { tampered.Id, good.Id }.Order());
        report.Jobs.Single(j => j.JobId == tampered.Id).ShouldBe(new JobImageSync(tampered.Id, bad.Id, ImageSyncOutcome.Failed,
            $"the image downloaded for job {tampered.Id} has SHA-256 {actual}, not the job's {bad.Sha256}; it was not added."));
        report.Jobs.Single(j => j.JobId == good.Id).Outcome.ShouldBe(ImageSyncOutcome.Fetched);
        report.Failed.ShouldBe(1);
        (await station.Images.FindAsync(bad.Id)).ShouldBeNull();
        Directory.GetFiles(station.Directory.ImagesPath).ShouldBe([station.Images.PathOf(image.Id)]);
        (await station.ProgramAsync(image.Id, CloudStationRig.Part(2))).Result.ShouldBe(StationResult.Pass);
    }

    [Fact]
    public async Task Sync_NetworkCutMidDownload_LeavesNoPartialImage_AndTheNextSyncFetchesIt()
    {
        var (job, image) = await PublishAsync("job-a", seed: 4);
        await using var station = await OpenStationAsync();

        _rig.Network.CutDownloadsAfter = image.Bytes.Length / 2;
        var cut = (await station.Cloud!.SyncImagesAsync()).Jobs.ShouldHaveSingleItem();

        cut.Outcome.ShouldBe(ImageSyncOutcome.Failed);
        cut.Reason.ShouldBe($"the image of job {job.Id} could not be downloaded (Connection reset by peer (cut by the test mid-download)); nothing was added.");
        Directory.GetFiles(station.Directory.ImagesPath).ShouldBeEmpty();
        (await station.Images.ListAsync()).ShouldBeEmpty();

        _rig.Network.CutDownloadsAfter = null;
        (await station.Cloud.SyncImagesAsync()).Jobs.ShouldHaveSingleItem().Outcome.ShouldBe(ImageSyncOutcome.Fetched);
        (await File.ReadAllBytesAsync(station.Images.PathOf(image.Id))).ShouldBe(image.Bytes);
    }

    [Fact]
    public async Task Sync_FetchesANewRevision_SkipsJobsNotActiveOrWithoutABlob_AndSaysWhenAKeyIsMissing()
    {
        var (job, first) = await PublishAsync("job-a", seed: 5);
        var (direct, directImage) = await PublishAsync("job-direct", seed: 6, upload: false);
        var (paused, _) = await PublishAsync("job-paused", seed: 7);
        await _owner.JobActionAsync(paused.Id, "pause");
        await using var station = await OpenStationAsync(withKey: false);

        var report = await station.Cloud!.SyncImagesAsync();

        report.Jobs.OrderBy(j => j.JobId, StringComparer.Ordinal).ShouldBe(new JobImageSync[]
        {
            new JobImageSync(job.Id, first.Id, ImageSyncOutcome.Fetched,
                $"downloaded image {first.Id} of job {job.Id} ({first.Bytes.Length} bytes) and added it to the station, but it cannot be programmed until its encryption key k-customer is added to the station's keys."),
            new JobImageSync(direct.Id, directImage.Id, ImageSyncOutcome.Skipped,
                $"the cloud holds no image for job {direct.Id}; its image {directImage.Id} is delivered to stations directly."),
            new JobImageSync(paused.Id, paused.ImageId, ImageSyncOutcome.Skipped, $"job {paused.Id} is paused; images are fetched for active jobs only."),
        }.OrderBy(j => j.JobId, StringComparer.Ordinal));
        station.Keys.Add(_customerKey);

        // A new revision replaces the old image for stations: the next sync fetches it and units use it.
        var second = await WriteImageAsync("job-a", seed: 8);
        await _owner.ReviseJobAsync(job.Id, new JobRevisionRequest(second.Id, second.Sha256, Encrypted: true));
        await using (var blob = File.OpenRead(second.Path)) await _owner.UploadJobImageAsync(job.Id, blob);
        var revised = await station.Cloud.SyncImagesAsync();

        revised.Jobs.Single(j => j.JobId == job.Id).ShouldBe(new JobImageSync(job.Id, second.Id, ImageSyncOutcome.Fetched,
            $"downloaded image job-a ({second.Id}) of job {job.Id} ({second.Bytes.Length} bytes) and added it to the station; removed image {first.Id} of an earlier revision."));
        var record = await station.ProgramAsync(second.Id, CloudStationRig.Part(3));
        record.Result.ShouldBe(StationResult.Pass);
        record.ImageId.ShouldBe(second.Id);
        (await station.Images.FindAsync(first.Id)).ShouldBeNull();
        File.Exists(station.Images.PathOf(first.Id)).ShouldBeFalse();
        (await _owner.ListStationsAsync(_account.DefaultFactory.Id)).ShouldHaveSingleItem().Images.ShouldBe([second.Id]);
    }

    [Fact]
    public async Task Sync_ReplacesAJobsImageOnlyOnceTheNewRevisionIsHeld_AndLeavesImagesOfNoJob()
    {
        var (job, first) = await PublishAsync("job-a", seed: 21);
        var other = await WriteImageAsync("job-b", seed: 22);
        await using var station = await OpenStationAsync(withKey: true);
        await station.Images.AddAsync(other.Path);
        (await station.Cloud!.SyncImagesAsync()).Jobs.ShouldHaveSingleItem().Outcome.ShouldBe(ImageSyncOutcome.Fetched);

        // A revision whose image cannot be downloaded yet (not uploaded to the cloud): the old image stays.
        var second = await WriteImageAsync("job-a", seed: 23);
        await _owner.ReviseJobAsync(job.Id, new JobRevisionRequest(second.Id, second.Sha256, Encrypted: true));
        (await station.Cloud.SyncImagesAsync()).Jobs.ShouldHaveSingleItem().Outcome.ShouldBe(ImageSyncOutcome.Skipped);
        (await station.Images.FindAsync(first.Id)).ShouldNotBeNull();

        // Delivered to the station directly: the next sync sees the job's image held and removes the old one.
        await station.Images.AddAsync(second.Path);
        (await station.Cloud.SyncImagesAsync()).Jobs.ShouldHaveSingleItem().ShouldBe(new JobImageSync(job.Id, second.Id, ImageSyncOutcome.Held,
            $"the station holds image {second.Id} of job {job.Id} already; removed image {first.Id} of an earlier revision."));
        (await station.Images.ListAsync()).Select(i => i.ImageId).Order(StringComparer.Ordinal).ShouldBe(new[] { other.Id, second.Id }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Daemon_SyncsAtStart_AndEveryInterval_AndOnRequest_AndStopsCleanly()
    {
        var (job, first) = await PublishAsync("job-a", seed: 9);
        PublishedImage second;
        _rig.Time.AutoAdvance = false;
        var runs = Channel.CreateUnbounded<CloudSyncRun>();
        var server = await StationServer.StartAsync(new StationServerOptions
        {
            Station = new StationOptions { Directory = _stationDir, Time = _rig.Time, CloudHttp = _rig.StationHttp, OpenTarget = StationTargets.OpenAsync },
            Target = new Uri("virtual://LM3S6965"),
            CloudSyncInterval = TimeSpan.FromSeconds(60),
            OnCloudSync = run => runs.Writer.TryWrite(run),
        });
        await using (server)
        {
            var start = await runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            start.Error.ShouldBeNull();
            start.NewlyRejected.ShouldBeEmpty();
            start.Uploads!.Uploaded.ShouldBe(0);
            var fetched = start.Images!.Jobs.ShouldHaveSingleItem();
            (fetched.JobId, fetched.ImageId, fetched.Outcome).ShouldBe((job.Id, first.Id, ImageSyncOutcome.Fetched));

            second = await WriteImageAsync("job-a", seed: 10);
            await _owner.ReviseJobAsync(job.Id, new JobRevisionRequest(second.Id, second.Sha256, Encrypted: true));
            await using (var blob = File.OpenRead(second.Path)) await _owner.UploadJobImageAsync(job.Id, blob);

            // The loop waits on the station's clock: a minute later it fetches the new revision.
            CloudSyncRun? next = null;
            for (int i = 0; i < 100 && next is null; i++)
            {
                _rig.Time.Advance(TimeSpan.FromSeconds(60));
                runs.Reader.TryRead(out next);
                if (next is null) await Task.Delay(50);
            }

            var revised = next.ShouldNotBeNull().Images.ShouldNotBeNull().Jobs.ShouldHaveSingleItem();
            (revised.ImageId, revised.Outcome).ShouldBe((second.Id, ImageSyncOutcome.Fetched));
            server.LastCloudSync.ShouldNotBeNull();

            using var api = new HttpClient { BaseAddress = server.Url };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.ApiKey);
            var synced = await api.PostAsync("/api/images/sync", null);
            synced.StatusCode.ShouldBe(HttpStatusCode.OK);
            var job0 = (await synced.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobs")[0];
            job0.GetProperty("outcome").GetString().ShouldBe("held");
            job0.GetProperty("imageId").GetString().ShouldBe(second.Id);
            var uploads = await api.GetFromJsonAsync<JsonElement>("/api/uploads");
            uploads.GetProperty("queued").GetInt64().ShouldBe(0);
            uploads.GetProperty("rejected").GetArrayLength().ShouldBe(0);
        }

        // Stopped: the folder is free again, no download file was left behind, and the new
        // revision's image replaced the first one.
        Directory.GetFiles(Path.Combine(_stationDir, "images")).Select(Path.GetFileName).ShouldBe([second.Id + ".imp"]);
        await using var reopened = await OpenStationAsync();
    }


    private async Task<(JobView Job, PublishedImage Image)> PublishAsync(string name, int seed, bool upload = true)
    {
        var image = await WriteImageAsync(name, seed);
        var job = await _owner.RegisterJobAsync(new RegisterJobRequest(
            _account.DefaultFactory.Id, image.Id, name, "sync test", TestDevices.Lm3s6965().Name, image.Sha256, [BoardSerial], new JobRestrictions(), Encrypted: true));
        if (upload)
        {
            await using var blob = File.OpenRead(image.Path);
            (await _owner.UploadJobImageAsync(job.Id, blob)).HasImage.ShouldBeTrue();
        }

        return (job, image);
    }

    private async Task<PublishedImage> WriteImageAsync(string name, int seed)
    {
        var spec = TestImages.Spec(name) with
        {
            Type = ImageType.Job,
            Serials = [BoardSerial],
            Binding = new CloudBinding(_account.Account.Id, _account.DefaultFactory.Id, _rig.Cloud.BaseUrl),
        };
        var path = await ImageFactory.WriteAsync(_rig.Temp.File($"{name}-{seed}.imp"), spec, _rig.Signer, _customerKey, TestImages.Firmware(seed: seed));
        var bytes = await File.ReadAllBytesAsync(path);
        return new PublishedImage(Imprint.Images.ImageReader.ReadHeader(path).Id.ToString(), path, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    private async Task<Station.Station> OpenStationAsync(bool withKey = true)
    {
        var station = await _rig.OpenStationAsync(_stationDir);
        if (withKey) station.Keys.Add(_customerKey);
        return station;
    }

    private sealed record PublishedImage(string Id, string Path, byte[] Bytes, string Sha256);
}
