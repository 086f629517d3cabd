using System.Collections.Concurrent;
using System.Net;
using Dapper;
using Imprint.Cloud.Storage;
using Imprint.Sdk.Cloud;
using Imprint.Tests.Support;

namespace Imprint.Tests.Services;

/// <summary>
/// Many stations on two service instances sharing one database race for one job with a count
/// limit and a shared serial pool, with random failures, abandoned grants (expiries) and retried
/// uploads: exactly the limit succeeds, every success has its own serial number, and the count
/// never goes over.
/// </summary>
public abstract class GrantServiceConcurrencyTests(CloudFixture fixture)
{
    protected abstract int Clients { get; }

    protected abstract int MaxCount { get; }

    [Fact]
    public async Task ManyStationsTwoInstances_ExactCount_DistinctSerials()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        await using var a = await fixture.StartHostAsync(time);
        await using var b = await fixture.StartHostAsync(time);
        var (owner, account) = await a.NewAccountAsync("Race");
        var job = await CloudApiTests_RegisterAsync(owner, account.DefaultFactory.Id, MaxCount);
        var stations = new List<TestStation>();
        for (var i = 0; i < Clients; i++)
        {
            var host = i % 2 == 0 ? a : b;
            var client = new CloudClient(host.Http, account.Credentials with { CloudUrl = host.BaseUrl });
            stations.Add(await host.NewStationAsync(client, account.DefaultFactory.Id, $"st-{i}"));
        }

        var gate = new ClockGate(time);
        var successSerials = new ConcurrentBag<long>();
        var failures = 0;
        var successes = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var workers = stations.Select((station, index) => Task.Run(async () =>
        {
            var random = new Random(index);
            while (Volatile.Read(ref successes) < MaxCount)
            {
                timeout.Token.ThrowIfCancellationRequested();
                await gate.EnterAsync(timeout.Token);
                SignedGrant grant;
                try
                {
                    grant = await station.Client.RequestGrantAsync(new GrantRequest(job.Id, null, random.Next(1, 4)), timeout.Token);
                }
                catch (CloudApiException ex) when (ex.Status == HttpStatusCode.Conflict && ex.Title == "Count exhausted")
                {
                    gate.Exit();
                    if (Volatile.Read(ref successes) < MaxCount)
                    {
                        await gate.AdvancePastReclaimAsync(timeout.Token);
                    }

                    continue;
                }

                var records = new List<ProgrammingRecord>();
                foreach (var unit in grant.Grant.Units)
                {
                    var roll = random.NextDouble();
                    if (roll < 0.08)
                    {
                        continue; // abandoned: the station died; the reservation must expire
                    }

                    records.Add(CloudApiTests_Record(grant, unit.Index, success: roll >= 0.2));
                }

                var response = await station.Client.ReportResultsAsync(records, timeout.Token);
                response.Accepted.ShouldBe(records.Count);
                if (random.NextDouble() < 0.1)
                {
                    (await station.Client.ReportResultsAsync(records, timeout.Token)).Duplicates.ShouldBe(records.Count);
                }

                foreach (var r in records)
                {
                    if (r.Result == UnitResult.Success)
                    {
                        Interlocked.Increment(ref successes);
                        successSerials.Add(grant.Grant.Units[r.UnitIndex].Serials.Single().Value);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }

                gate.Exit();
            }
        })).ToList();
        await Task.WhenAll(workers);

        successes.ShouldBe(MaxCount);
        successSerials.Count.ShouldBe(MaxCount);
        successSerials.Distinct().Count().ShouldBe(MaxCount);
        var counters = (await owner.GetJobAsync(job.Id)).Counters;
        counters.Programmed.ShouldBe(MaxCount);
        counters.Failed.ShouldBe(failures);
        await Should.ThrowAsync<CloudApiException>(() => stations[0].Client.RequestGrantAsync(new GrantRequest(job.Id, null, 1)));

        await using var session = await a.Get<CloudDatabase>().ReadAsync(CancellationToken.None);
        var stored = (await session.Connection.QueryAsync<string>(
            "SELECT serials FROM records WHERE account_id = @id AND result = 'success'", new { id = account.Account.Id })).ToList();
        stored.Count.ShouldBe(MaxCount);
        stored.Distinct().Count().ShouldBe(MaxCount);
        (await session.Connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM serial_used WHERE account_id = @id", new { id = account.Account.Id })).ShouldBe(MaxCount);
    }

    private static Task<JobView> CloudApiTests_RegisterAsync(CloudClient owner, string factoryId, long max) =>
        owner.RegisterJobAsync(new RegisterJobRequest(factoryId, "race-" + Guid.NewGuid().ToString("N")[..8], "Race", null, "STM32", new string('a', 64),
            [new Imprint.Projects.SerialDefinition("sn", "shared", 0, 4, Imprint.Projects.SerialEncoding.BinaryLittleEndian, 1, 1, null)],
            new JobRestrictions(max)));

    private static ProgrammingRecord CloudApiTests_Record(SignedGrant grant, int unit, bool success) =>
        new(Guid.NewGuid().ToString(), grant.Grant.Id, unit, grant.Grant.IssuedAt, grant.Grant.IssuedAt.AddSeconds(2),
            success ? UnitResult.Success : UnitResult.Failure, success ? null : "program", success ? null : "Flash write failed.");

    /// <summary>
    /// Test-side coordination only: the shared fake clock jumps past the reclaim time when no client
    /// is between a grant and its report, so only abandoned reservations expire.
    /// </summary>
    private sealed class ClockGate(FakeTimeProvider time)
    {
        private readonly Lock _lock = new();
        private int _inFlight;
        private bool _advancing;

        public async Task EnterAsync(CancellationToken ct)
        {
            while (true)
            {
                lock (_lock)
                {
                    if (!_advancing)
                    {
                        _inFlight++;
                        return;
                    }
                }

                await Task.Delay(2, ct);
            }
        }

        public void Exit()
        {
            lock (_lock)
            {
                _inFlight--;
            }
        }

        public async Task AdvancePastReclaimAsync(CancellationToken ct)
        {
            lock (_lock)
            {
                if (_advancing)
                {
                    return;
                }

                _advancing = true;
            }

            while (Volatile.Read(ref _inFlight) > 0)
            {
                await Task.Delay(2, ct);
            }

            time.Advance(TimeSpan.FromMinutes(16));
            lock (_lock)
            {
                _advancing = false;
            }
        }
    }
}

public sealed class GrantServiceConcurrencyTests_Postgres(PostgresCloudFixture f) : GrantServiceConcurrencyTests(f), IClassFixture<PostgresCloudFixture>
{
    protected override int Clients => 64;

    protected override int MaxCount => 1000;
}

public sealed class GrantServiceConcurrencyTests_Sqlite(SqliteCloudFixture f) : GrantServiceConcurrencyTests(f), IClassFixture<SqliteCloudFixture>
{
    protected override int Clients => 16;

    protected override int MaxCount => 300;
}
