using Imprint.Projects;
using Imprint.Station;
using Imprint.Station.Images;
using Imprint.Station.Records;
using Imprint.Station.State;
using Imprint.Testing;
using Imprint.Tests.Support;

namespace Imprint.Tests.State;

public sealed class StationStateTests : IDisposable
{
    private static readonly SerialDefinition Serial = new("sn", "main", 0x3FFF0, 4, SerialEncoding.BinaryLittleEndian, 1000, 1, null);
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new();
    private readonly StationDirectory _directory;
    private int _unit;

    public StationStateTests() => _directory = new StationDirectory(_temp.File("station"));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task PassedUnits_UseContiguousSerials_AndCount()
    {
        var state = StationState.Open(_directory);
        for (int i = 0; i < 3; i++)
        {
            var lease = await state.BeginUnitAsync(Start());
            lease.Serials.Single().Value.ShouldBe(1000UL + (ulong)i);
            await state.FinishUnitAsync(Record(lease, UnitResult.Pass));
        }

        var counters = await state.GetCountersAsync();
        counters.Images.Single().Passed.ShouldBe(3);
        counters.Pools.Single().ShouldBe(new PoolCounter("main", 3, 3, 0, 0));
    }

    [Fact]
    public async Task FailedUnit_ReturnsSerial_AndNextUnitGetsIt()
    {
        var state = StationState.Open(_directory);
        var first = await state.BeginUnitAsync(Start());
        await state.FinishUnitAsync(Record(first, UnitResult.Fail));
        var second = await state.BeginUnitAsync(Start());

        second.Serials.Single().Value.ShouldBe(first.Serials.Single().Value);
        (await state.GetCountersAsync()).Pools.Single().Reserved.ShouldBe(1);
    }

    [Fact]
    public async Task TwoImagesNamingOnePool_ShareItsCounter()
    {
        var state = StationState.Open(_directory);
        var a = await state.BeginUnitAsync(Start(imageId: "img-a"));
        await state.FinishUnitAsync(Record(a, UnitResult.Pass, imageId: "img-a"));
        var b = await state.BeginUnitAsync(Start(imageId: "img-b", serial: Serial with { Name = "other", Start = 5000, Step = 2 }));

        b.Serials.Single().Index.ShouldBe(1);
        b.Serials.Single().Value.ShouldBe(5002UL);
    }

    [Fact]
    public async Task CountLimit_RefusesTheUnitPastIt_WithReason()
    {
        var state = StationState.Open(_directory);
        var limited = new Restrictions(2, null, null);
        for (int i = 0; i < 2; i++)
        {
            var lease = await state.BeginUnitAsync(Start(restrictions: limited));
            await state.FinishUnitAsync(Record(lease, UnitResult.Pass));
        }

        var refused = await Should.ThrowAsync<UnitRefusedException>(() => state.BeginUnitAsync(Start(restrictions: limited)));
        refused.Message.ShouldBe("image blinky reached its limit of 2 units on this station.");
    }

    [Fact]
    public async Task CountLimit_CountsAUnitInProgress()
    {
        var state = StationState.Open(_directory);
        await state.BeginUnitAsync(Start(restrictions: new Restrictions(1, null, null)));
        await Should.ThrowAsync<UnitRefusedException>(() => state.BeginUnitAsync(Start(restrictions: new Restrictions(1, null, null))));
    }

    [Fact]
    public async Task DateWindow_RefusesBeforeAndAfter()
    {
        var state = StationState.Open(_directory);
        var window = new Restrictions(null, _time.GetUtcNow().AddDays(1), _time.GetUtcNow().AddDays(2));

        (await Should.ThrowAsync<UnitRefusedException>(() => state.BeginUnitAsync(Start(restrictions: window))))
            .Message.ShouldBe("image blinky may not be programmed before 2026-03-02T08:00:00.0000000+00:00.");
        _time.Advance(TimeSpan.FromDays(3));
        (await Should.ThrowAsync<UnitRefusedException>(() => state.BeginUnitAsync(Start(restrictions: window))))
            .Message.ShouldBe("image blinky expired at 2026-03-03T08:00:00.0000000+00:00.");
        _time.Advance(TimeSpan.FromDays(-1.5));
        await state.BeginUnitAsync(Start(restrictions: window));
    }

    [Fact]
    public async Task ClockSetBackwards_RefusesDateRestrictedImagesOnly_UntilFixed()
    {
        var state = StationState.Open(_directory);
        var dated = new Restrictions(null, null, _time.GetUtcNow().AddYears(1));
        var lease = await state.BeginUnitAsync(Start(restrictions: dated));
        await state.FinishUnitAsync(Record(lease, UnitResult.Pass, durationMs: 1000));

        _time.Advance(TimeSpan.FromHours(-2));
        (await Should.ThrowAsync<UnitRefusedException>(() => state.BeginUnitAsync(Start(restrictions: dated))))
            .Message.ShouldBe("the station clock (2026-03-01T06:00:00.0000000+00:00) is behind the last recorded unit (2026-03-01T08:00:01.0000000+00:00); image blinky has date restrictions and is refused until the clock is corrected.");
        var undated = await state.BeginUnitAsync(Start());
        await state.FinishUnitAsync(Record(undated, UnitResult.Pass));

        _time.Advance(TimeSpan.FromHours(2.01));
        await state.BeginUnitAsync(Start(restrictions: dated));
    }

    [Fact]
    public async Task Recover_ClosesOpenUnitsAsInterrupted_AndReturnsTheirSerials()
    {
        var state = StationState.Open(_directory);
        var lease = await state.BeginUnitAsync(Start());

        var reopened = StationState.Open(_directory);
        var recovered = await reopened.RecoverAsync("st-test", _time);

        recovered.Single().Id.ShouldBe(lease.RecordId);
        recovered.Single().Result.ShouldBe(UnitResult.Interrupted);
        var next = await reopened.BeginUnitAsync(Start());
        next.Serials.Single().Value.ShouldBe(lease.Serials.Single().Value);
        (await reopened.GetRecordAsync(lease.RecordId))!.Serials.Single().Value.ShouldBe(1000UL);
        (await reopened.GetCountersAsync()).Images.Single().ShouldBe(new ImageCounter("img-1", "blinky", 0, 1, _time.GetUtcNow()));
    }

    [Fact]
    public async Task Log_ReadsRecordsInOrder()
    {
        var state = StationState.Open(_directory);
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var lease = await state.BeginUnitAsync(Start());
            await state.FinishUnitAsync(Record(lease, i == 1 ? UnitResult.Fail : UnitResult.Pass));
            ids.Add(lease.RecordId);
        }

        var log = await state.ReadLogAsync().ToListAsync();
        log.Select(r => r.Id).ShouldBe(ids);
        log.Select(r => r.Result).ShouldBe([UnitResult.Pass, UnitResult.Fail, UnitResult.Pass]);
        (await state.CountRecordsAsync()).ShouldBe(3);
        (await state.ReadRecentAsync(2)).Select(r => r.Id).ShouldBe(ids[1..]);
    }

    [Fact]
    public async Task SupersededImages_OfTheJobOnly_NotWhileAUnitOfThemIsInProgress()
    {
        var state = StationState.Open(_directory);
        foreach (var id in new[] { "img-old", "img-new", "img-other", "img-loose" })
        {
            await state.UpsertImageAsync(new StoredImage(id, id, ImageType.Job, null, "signer", 0, 1, _time.GetUtcNow(), id + ".imp"), default);
        }

        await state.MarkJobImageAsync("img-old", "job-a", default);
        await state.MarkJobImageAsync("img-other", "job-b", default);
        var lease = await state.BeginUnitAsync(Start(imageId: "img-old"));
        await state.MarkJobImageAsync("IMG-NEW", "job-a", default);

        // A unit of the old image is still running: it stays until a later sync.
        (await state.ListSupersededImagesAsync("job-a", "img-new", default)).ShouldBeEmpty();
        await state.FinishUnitAsync(Record(lease, UnitResult.Pass, imageId: "img-old"));
        (await state.ListSupersededImagesAsync("job-a", "IMG-NEW", default)).ShouldBe(["img-old"]);
        (await state.ListSupersededImagesAsync("job-b", "img-other", default)).ShouldBeEmpty();
    }

    private UnitStart Start(string imageId = "img-1", Restrictions? restrictions = null, SerialDefinition? serial = null) =>
        new($"rec-{Interlocked.Increment(ref _unit):D4}", imageId, "blinky", 0x1234, "virtual://LM3S6965", _time.GetUtcNow(), restrictions ?? Restrictions.None, [serial ?? Serial]);

    private ProgrammingRecord Record(UnitLease lease, UnitResult result, string imageId = "img-1", double durationMs = 5) => new()
    {
        Id = lease.RecordId,
        ImageId = imageId,
        ImageName = "blinky",
        ImageCrc = 0x1234,
        StationId = "st-test",
        Target = "virtual://LM3S6965",
        StartedAt = _time.GetUtcNow(),
        DurationMs = durationMs,
        Result = result,
        Serials = lease.Serials.Select(s => new SerialIssue(s.Definition.Name, s.Definition.Pool, s.Index, s.Value, "")).ToList(),
    };
}
