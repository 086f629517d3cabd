using System.Net;
using System.Security.Cryptography;
using Imprint.Cloud.Blobs;
using Imprint.Cloud.Storage;
using Imprint.Projects;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Blobs;

/// <summary>
/// `--blobs db`: two instances on one database, each with its own data folder (nothing shared on
/// disk), serve each other's uploads; big blobs stream through in chunks; a cut write leaves no row.
/// </summary>
public abstract class DatabaseBlobStoreTests(CloudFixture fixture) : CloudApiTests(fixture)
{
    [Fact]
    public async Task ImageUploadedThroughOneInstance_IsDownloadedThroughAnother()
    {
        await using var a = await StartAsync(BlobStorage.Database);
        await using var b = await StartAsync(BlobStorage.Database);
        var (owner, account) = await a.NewAccountAsync();
        var station = await a.NewStationAsync(owner, account.DefaultFactory.Id);
        var (bytes, imageId, sha) = await WriteImageAsync(ImageType.Job, encrypted: true);
        var job = await owner.RegisterJobAsync(new RegisterJobRequest(account.DefaultFactory.Id, imageId, "Blinky", null, null, sha, Encrypted: true));
        (await owner.UploadJobImageAsync(job.Id, new MemoryStream(bytes))).HasImage.ShouldBeTrue();
        Directory.GetFiles(a.DataDirectory, "*", SearchOption.AllDirectories).ShouldNotContain(f => f.EndsWith(".imp", StringComparison.Ordinal) || f.EndsWith(".part", StringComparison.Ordinal));

        var onB = new StationCloudClient(b.Http, new Uri(b.BaseUrl), station.Id, station.Key, b.Time);
        var downloaded = new MemoryStream();
        await onB.DownloadImageAsync(job.Id, downloaded);
        downloaded.ToArray().ShouldBe(bytes);
        using (var raw = await b.Http.SendAsync(onB.Sign(HttpMethod.Get, $"station/v1/jobs/{job.Id}/image", [])))
        {
            raw.Content.Headers.ContentLength.ShouldBe(bytes.Length);
        }

        // The same setup on the file store: the other instance's folder does not have it, and says so.
        await using var c = await StartAsync(BlobStorage.FileSystem);
        var onC = new StationCloudClient(c.Http, new Uri(c.BaseUrl), station.Id, station.Key, c.Time);
        await Refused(() => onC.DownloadImageAsync(job.Id, new MemoryStream()), HttpStatusCode.NotFound, "missing from this instance's blob store");
    }

    [Fact]
    public async Task TwentyMiBBlob_RoundTripsAcrossInstances_InChunks()
    {
        await using var a = await StartAsync(BlobStorage.Database);
        await using var b = await StartAsync(BlobStorage.Database);
        var content = RandomNumberGenerator.GetBytes((20 << 20) + 12345);
        var id = $"acc_test/{Guid.NewGuid():N}/blob.imp";
        var storeA = a.Get<IBlobStore>();
        using (var staged = await storeA.ReceiveAsync(new MemoryStream(content), long.MaxValue, CancellationToken.None))
        {
            staged.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(content)));
            await storeA.StoreAsync(id, staged, CancellationToken.None);
        }

        (await CountAsync(b, "SELECT COUNT(*) FROM blob_chunks WHERE blob_id = @id", id)).ShouldBe(21);
        await using var read = (await b.Get<IBlobStore>().OpenAsync(id, CancellationToken.None)).ShouldNotBeNull();
        read.Length.ShouldBe(content.Length);
        // Odd read sizes cross chunk boundaries.
        var copy = new MemoryStream();
        var buffer = new byte[300_001];
        int n;
        while ((n = await read.ReadAsync(buffer)) > 0)
        {
            copy.Write(buffer, 0, n);
        }

        SHA256.HashData(copy.ToArray()).ShouldBe(SHA256.HashData(content));
        read.Position = DatabaseBlobStore.ChunkSize - 2;
        var across = new byte[4];
        (await read.ReadAtLeastAsync(across, 4)).ShouldBe(4);
        across.ShouldBe(content.AsSpan(DatabaseBlobStore.ChunkSize - 2, 4).ToArray());
        (await b.Get<IBlobStore>().OpenAsync(id + ".nope", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task WriteCutMidway_LeavesNoRows()
    {
        await using var a = await StartAsync(BlobStorage.Database);
        var store = (DatabaseBlobStore)a.Get<IBlobStore>();
        var id = $"acc_test/{Guid.NewGuid():N}/cut.imp";
        await Should.ThrowAsync<IOException>(() => store.WriteAsync(id, () => new CutStream(RandomNumberGenerator.GetBytes(5 << 20), cutAfter: 3 << 20), CancellationToken.None));
        (await CountAsync(a, "SELECT COUNT(*) FROM blob_chunks WHERE blob_id = @id", id)).ShouldBe(0);
        (await CountAsync(a, "SELECT COUNT(*) FROM blobs WHERE id = @id", id)).ShouldBe(0);

        // A cut replacement keeps the blob that was there.
        var first = RandomNumberGenerator.GetBytes(1500);
        await store.WriteAsync(id, () => new MemoryStream(first), CancellationToken.None);
        await Should.ThrowAsync<IOException>(() => store.WriteAsync(id, () => new CutStream(RandomNumberGenerator.GetBytes(3 << 20), cutAfter: 2 << 20), CancellationToken.None));
        await using var kept = (await store.OpenAsync(id, CancellationToken.None)).ShouldNotBeNull();
        var copy = new MemoryStream();
        await kept.CopyToAsync(copy);
        copy.ToArray().ShouldBe(first);
    }

    [Fact]
    public async Task UploadCutByTheClient_LeavesNoRowsAndNoStagingFile()
    {
        await using var a = await StartAsync(BlobStorage.Database);
        var (owner, account) = await a.NewAccountAsync();
        var job = await RegisterJobAsync(owner, account.DefaultFactory.Id);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/jobs/{job.Id}/image")
        {
            Content = new StreamContent(new CutStream(new byte[4 << 20], cutAfter: 2 << 20)),
        };
        request.Headers.Authorization = new("Bearer", $"{owner.Credentials.Id}.{owner.Credentials.Secret}");
        await Should.ThrowAsync<HttpRequestException>(() => a.Http.SendAsync(request));

        // The server notices the cut on its next read; give it a moment to clean up.
        var staging = Path.Combine(a.DataDirectory, "staging");
        for (var i = 0; i < 100 && Directory.Exists(staging) && Directory.EnumerateFiles(staging).Any(); i++)
        {
            await Task.Delay(50);
        }

        (Directory.Exists(staging) ? Directory.GetFiles(staging) : []).ShouldBeEmpty();
        (await CountAsync(a, "SELECT COUNT(*) FROM blobs WHERE id LIKE @id", $"{account.Account.Id}/%")).ShouldBe(0);
        (await owner.GetJobAsync(job.Id)).HasImage.ShouldBeFalse();
    }

    /// <summary>An instance on the fixture's database with its own data folder (so no blob folder is shared).</summary>
    private Task<CloudTestHost> StartAsync(BlobStorage blobs)
    {
        var data = Path.Combine(Fixture.TempPath, "instance-" + Guid.NewGuid().ToString("N")[..8]);
        return Fixture.StartHostAsync(configure: o =>
        {
            o.Blobs = blobs;
            o.DataDirectory = data;
        });
    }

    private static Task<long> CountAsync(CloudTestHost host, string sql, string id) =>
        host.Get<CloudDatabase>().ReadAsync(s => s.ScalarAsync<long>(sql, new { id }), CancellationToken.None);

    /// <summary>A body that fails after <paramref name="cutAfter"/> bytes, as a dropped connection does.</summary>
    private sealed class CutStream(byte[] content, int cutAfter) : MemoryStream(content, writable: false)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= cutAfter)
            {
                throw new IOException("The connection was cut.");
            }

            return await base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, cutAfter - Position)], cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            Position >= cutAfter ? throw new IOException("The connection was cut.") : base.Read(buffer, offset, (int)Math.Min(count, cutAfter - Position));
    }
}

public sealed class DatabaseBlobStoreTests_Sqlite(SqliteCloudFixture f) : DatabaseBlobStoreTests(f), IClassFixture<SqliteCloudFixture>;

public sealed class DatabaseBlobStoreTests_Postgres(PostgresCloudFixture f) : DatabaseBlobStoreTests(f), IClassFixture<PostgresCloudFixture>;
