using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using Imprint.Station.Records;
using Microsoft.Data.Sqlite;

namespace Imprint.Station.State;

/// <summary>
/// The station's SQLite database: serial pools, per-image counts and the programming log.
/// WAL journal with <c>synchronous=FULL</c>: a committed unit survives a crash or power loss.
/// </summary>
/// <remarks>
/// Reading (counters, log) is safe while another process programs through the same folder;
/// programming goes through <see cref="Station"/>, which holds the folder's lock.
/// </remarks>
public sealed partial class StationState
{
    private readonly string _connectionString;
    private long _commitTicks;

    private StationState(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Gets the database file path.</summary>
    public string Path { get; }

    /// <summary>Opens (creating or upgrading) the database of <paramref name="directory"/>.</summary>
    /// <param name="directory">The station folder.</param>
    /// <returns>The state.</returns>
    /// <exception cref="StationException">The file is not a station database or is newer than this build.</exception>
    public static StationState Open(StationDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var state = new StationState(directory.DatabasePath);
        try
        {
            using var connection = state.Connect();
            connection.Execute("PRAGMA journal_mode = WAL");
            Schema.Apply(connection, directory.DatabasePath);
        }
        catch (SqliteException ex)
        {
            throw new StationException($"{directory.DatabasePath} cannot be opened as a station database: {ex.Message}", ex);
        }

        return state;
    }

    /// <summary>Reads the per-image and per-pool counters.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The counters.</returns>
    public async Task<StationCounters> GetCountersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        var images = (await connection.QueryAsync<(string ImageId, string Name, long Passed, long Failed, string? LastUnitAt)>(
                new CommandDefinition("SELECT image_id, name, passed, failed, last_unit_at FROM image_counts ORDER BY name, image_id", cancellationToken: cancellationToken)))
            .Select(r => new ImageCounter(r.ImageId, r.Name, r.Passed, r.Failed, r.LastUnitAt is null ? null : ParseTime(r.LastUnitAt)))
            .ToList();
        var pools = (await connection.QueryAsync<(string Name, long Next, long Used, long Free, long Reserved)>(
                new CommandDefinition(
                    """
                    SELECT p.name, p.next_index,
                        (SELECT COUNT(*) FROM serials s WHERE s.pool = p.name AND s.state = 'used'),
                        (SELECT COUNT(*) FROM serials s WHERE s.pool = p.name AND s.state = 'free'),
                        (SELECT COUNT(*) FROM serials s WHERE s.pool = p.name AND s.state = 'reserved')
                    FROM pools p ORDER BY p.name
                    """,
                    cancellationToken: cancellationToken)))
            .Select(r => new PoolCounter(r.Name, r.Next, r.Used, r.Free, r.Reserved))
            .ToList();
        var uploads = await connection.QuerySingleAsync<(long Queued, long Rejected)>(new CommandDefinition(
            "SELECT COALESCE(SUM(state = 'queued'), 0), COALESCE(SUM(state = 'rejected'), 0) FROM cloud_outbox", cancellationToken: cancellationToken));
        return new StationCounters(images, pools, new UploadCounter(uploads.Queued, uploads.Rejected));
    }

    /// <summary>Reads the programming log in the order units were recorded.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The records.</returns>
    public async IAsyncEnumerable<ProgrammingRecord> ReadLogAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM records ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Deserialize(reader.GetString(0));
        }
    }

    /// <summary>Reads the most recent records, newest last.</summary>
    /// <param name="count">How many records at most.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The records.</returns>
    public async Task<IReadOnlyList<ProgrammingRecord>> ReadRecentAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        var bodies = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT body FROM (SELECT seq, body FROM records ORDER BY seq DESC LIMIT @count) ORDER BY seq", new { count }, cancellationToken: cancellationToken));
        return bodies.Select(Deserialize).ToList();
    }

    /// <summary>Reads one record by id.</summary>
    /// <param name="id">The record id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <see langword="null"/> when there is none with that id.</returns>
    public async Task<ProgrammingRecord?> GetRecordAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        var body = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT body FROM records WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return body is null ? null : Deserialize(body);
    }

    /// <summary>Counts the records in the log.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of records.</returns>
    public async Task<long> CountRecordsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM records", cancellationToken: cancellationToken));
    }

    /// <summary>Gets the total time spent committing transactions (mostly waiting for the disk to flush).</summary>
    internal TimeSpan CommitTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicks));

    internal static string FormatTime(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    internal SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();

        // Per connection: FULL syncs the WAL on every commit, so a committed unit is on disk
        // before the next one starts.
        using var command = connection.CreateCommand();
        // The WAL is truncated back to 64 MiB after checkpoints instead of keeping its peak size.
        command.CommandText = "PRAGMA synchronous = FULL; PRAGMA journal_size_limit = 67108864";
        command.ExecuteNonQuery();
        return connection;
    }

    private async Task CommitAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        await transaction.CommitAsync(cancellationToken);
        Interlocked.Add(ref _commitTicks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
    }

    private static ProgrammingRecord Deserialize(string body) =>
        JsonSerializer.Deserialize<ProgrammingRecord>(body, RecordJson.Options)
        ?? throw new InvalidOperationException("A log record is empty.");
}
