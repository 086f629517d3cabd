using Imprint.Images;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Station;
using Imprint.Station.Records;
using Imprint.Targets;
using Imprint.Targets.Virtual;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests;

public sealed class StationTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new();
    private readonly SigningKey _signer = SigningKey.Create();

    public void Dispose()
    {
        _signer.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task TwentyUnits_WithARestartHalfway_HaveContiguousUniqueSerials_AndCompleteRecords()
    {
        var path = await ImageFactory.WriteAsync(_temp.File("blinky.imp"), TestImages.Spec(), _signer);
        string imageId, stationId;
        var records = new List<ProgrammingRecord>();
        await using (var station = await OpenAsync())
        {
            imageId = (await station.Images.AddAsync(path)).ImageId;
            stationId = station.Identity.Id;
            for (int i = 0; i < 10; i++) records.Add(await station.ProgramAsync(imageId, Part(i)));
        }

        await using (var station = await OpenAsync())
        {
            station.Identity.Id.ShouldBe(stationId);
            station.Recovered.ShouldBeEmpty();
            for (int i = 10; i < 20; i++) records.Add(await station.ProgramAsync(imageId, Part(i)));

            records.ShouldAllBe(r => r.Result == UnitResult.Pass);
            records.Select(r => r.Serials.Single().Value).ShouldBe(Enumerable.Range(1000, 20).Select(v => (ulong)v));
            records.Select(r => r.Data["uid"]).Distinct().Count().ShouldBe(20);
            records.ShouldAllBe(r => r.StationId == stationId && r.ImageId == imageId && r.ImageName == "blinky" && r.Steps.Count == 13);
            var counters = await station.State.GetCountersAsync();
            counters.Images.Single().Passed.ShouldBe(20);
            counters.Pools.Single().ShouldSatisfyAllConditions(p => p.Used.ShouldBe(20), p => p.NextIndex.ShouldBe(20));
            var log = await station.State.ReadLogAsync().ToListAsync();
            log.Select(r => r.Id).ShouldBe(records.Select(r => r.Id));
            log.ShouldAllBe(r => r.ImageCrc == records[0].ImageCrc && r.ImageCrc != 0);
        }
    }

    [Fact]
    public async Task CountLimit_IsReachedExactly_AndSurvivesDeletingAndReAddingTheImage()
    {
        var path = await ImageFactory.WriteAsync(_temp.File("limited.imp"), TestImages.Spec("limited", restrictions: new Restrictions(3, null, null)), _signer);
        await using var station = await OpenAsync();
        var id = (await station.Images.AddAsync(path)).ImageId;
        for (int i = 0; i < 2; i++) (await station.ProgramAsync(id, Part(i))).Result.ShouldBe(UnitResult.Pass);

        await station.Images.RemoveAsync(id);
        await station.Images.AddAsync(path);
        (await station.ProgramAsync(id, Part(2))).Result.ShouldBe(UnitResult.Pass);
        var refused = await Should.ThrowAsync<UnitRefusedException>(() => station.ProgramAsync(id, Part(3)));

        refused.Message.ShouldBe("image limited reached its limit of 3 units on this station.");
        (await station.State.GetCountersAsync()).Images.Single().Passed.ShouldBe(3);
    }

    [Fact]
    public async Task DateWindow_AndClockSetBackwards_AreEnforced()
    {
        var now = _time.GetUtcNow();
        var spec = TestImages.Spec("dated", restrictions: new Restrictions(null, now, now.AddDays(30)));
        var path = await ImageFactory.WriteAsync(_temp.File("dated.imp"), spec, _signer);
        await using var station = await OpenAsync();
        var id = (await station.Images.AddAsync(path)).ImageId;

        (await station.ProgramAsync(id, Part(0))).Result.ShouldBe(UnitResult.Pass);
        _time.Advance(TimeSpan.FromDays(-1));
        (await Should.ThrowAsync<UnitRefusedException>(() => station.ProgramAsync(id, Part(1)))).Message.ShouldContain("is behind the last recorded unit");
        _time.Advance(TimeSpan.FromDays(40));
        (await Should.ThrowAsync<UnitRefusedException>(() => station.ProgramAsync(id, Part(1)))).Message.ShouldBe("image dated expired at 2026-03-31T08:00:00.0000000+00:00.");
    }

    [Fact]
    public async Task EncryptedImage_StaysEncryptedAtRest_AndNeedsItsKey()
    {
        var key = EncryptionKey.Create("k-customer");
        var firmware = TestImages.Firmware();
        var path = await ImageFactory.WriteAsync(_temp.File("secret.imp"), TestImages.Spec("secret"), _signer, key, firmware);
        await using var station = await OpenAsync();
        var stored = await station.Images.AddAsync(path);
        stored.Name.ShouldBeNull();
        stored.KeyId.ShouldBe("k-customer");
        var atRest = await File.ReadAllBytesAsync(stored.File);
        atRest.AsSpan().IndexOf(firmware.ToFlatArray(0xFF).AsSpan(0, 64)).ShouldBe(-1);

        (await Should.ThrowAsync<StationException>(() => station.ProgramAsync(stored.ImageId, Part(0))))
            .Message.ShouldBe($"image {stored.ImageId} is encrypted with key k-customer, which this station does not hold; add the key to the station's keys.");
        station.Keys.Add(key);
        (await station.ProgramAsync(stored.ImageId, Part(0))).Result.ShouldBe(UnitResult.Pass);

        station.Keys.Delete("k-customer");
        await Should.ThrowAsync<StationException>(() => station.ProgramAsync(stored.ImageId, Part(1)));
    }

    [Fact]
    public async Task WrongKeyWithTheSameId_IsRefused()
    {
        var path = await ImageFactory.WriteAsync(_temp.File("secret.imp"), TestImages.Spec("secret"), _signer, EncryptionKey.Create("k-customer"));
        await using var station = await OpenAsync();
        station.Keys.Add(EncryptionKey.Create("k-customer"));

        var ex = await Should.ThrowAsync<ImageException>(() => station.Images.AddAsync(path));

        ex.Message.ShouldContain("does not unlock the image");
    }

    [Fact]
    public async Task UntrustedSigner_IsRefused_UnlessAnySignerIsTrustedExplicitly()
    {
        using var stranger = SigningKey.Create();
        var path = await ImageFactory.WriteAsync(_temp.File("foreign.imp"), TestImages.Spec("foreign"), stranger);
        string id;
        await using (var station = await OpenAsync())
        {
            id = (await station.Images.AddAsync(path)).ImageId;
            (await Should.ThrowAsync<StationException>(() => station.ProgramAsync(id, Part(0))))
                .Message.ShouldBe($"image foreign ({id}) is signed by key {stranger.Fingerprint}, which this station does not trust; add the signer's public key to the station's keys, or allow any signer explicitly (--trust-any-signer).");
        }

        await using (var station = await OpenAsync(trustAny: true))
        {
            (await station.ProgramAsync(id, Part(0))).Result.ShouldBe(UnitResult.Pass);
        }
    }

    [Fact]
    public async Task TamperedImage_IsRefused_OnAddAndOnUse()
    {
        var path = await ImageFactory.WriteAsync(_temp.File("blinky.imp"), TestImages.Spec(), _signer);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^10] ^= 0x01;
        var tampered = _temp.File("tampered.imp");
        await File.WriteAllBytesAsync(tampered, bytes);
        await using var station = await OpenAsync();

        (await Should.ThrowAsync<ImageException>(() => station.Images.AddAsync(tampered))).Message.ShouldContain("was modified");

        var stored = await station.Images.AddAsync(path);
        await File.WriteAllBytesAsync(stored.File, bytes);
        await using var reopened = await ReopenAsync(station);
        (await Should.ThrowAsync<ImageException>(() => reopened.ProgramAsync(stored.ImageId, Part(0)))).Message.ShouldContain("was modified");
    }

    [Fact]
    public async Task ImageForAnotherDevice_IsRefused_ByTheTarget()
    {
        var path = await ImageFactory.WriteAsync(_temp.File("blinky.imp"), TestImages.Spec(), _signer);
        await using var station = await OpenAsync();
        var id = (await station.Images.AddAsync(path)).ImageId;

        var ex = await Should.ThrowAsync<TargetException>(() => station.ProgramAsync(id, new Uri("virtual://STM32F103C8")));

        ex.Message.ShouldBe("target URL 'virtual://STM32F103C8' names device STM32F103C8, but the device to program is LM3S6965.");
        (await station.State.CountRecordsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task SecondProcessOnTheSameFolder_IsRefused()
    {
        await using var station = await OpenAsync();

        var ex = await Should.ThrowAsync<StationException>(() => OpenAsync());

        ex.Message.ShouldStartWith($"station directory {station.Directory.Path} is in use by another process (pid {Environment.ProcessId})");
    }

    private static VirtualTargetSession Part(int seed) => new(new VirtualMcu(TestDevices.Lm3s6965(), (ulong)seed));

    private async Task<Station.Station> OpenAsync(bool trustAny = false)
    {
        var station = await Station.Station.OpenAsync(new StationOptions
        {
            Directory = _temp.File("station"),
            Time = _time,
            TrustAnySigner = trustAny,
            OpenTarget = TargetConnector.OpenAsync,
        });
        station.Keys.Add(_signer.PublicKey);
        return station;
    }

    private async Task<Station.Station> ReopenAsync(Station.Station station)
    {
        await station.DisposeAsync();
        return await OpenAsync();
    }
}
