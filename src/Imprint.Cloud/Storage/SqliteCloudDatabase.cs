using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Imprint.Cloud.Storage;

/// <summary>
/// SQLite in WAL mode. Writes run in BEGIN IMMEDIATE transactions, which is what keeps the
/// invariants (SQLite has a single writer, also across processes). An in-process gate queues this
/// host's writers so they wait on a semaphore instead of sleeping in SQLite's busy handler; it
/// is a throughput measure, not the correctness mechanism.
/// </summary>
public sealed class SqliteCloudDatabase : CloudDatabase
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private long _commits;
    private long _flushed;

    public SqliteCloudDatabase(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public override SqlDialect Dialect => SqlDialect.Sqlite;

    public override string Description => "SQLite " + Path;

    public override async Task MigrateAsync(ILogger logger, CancellationToken ct)
    {
        await using (var connection = await OpenAsync(ct).ConfigureAwait(false))
        {
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL").ConfigureAwait(false);
        }

        await using var session = await BeginWriteAsync(ct).ConfigureAwait(false);
        await session.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)", ct: ct).ConfigureAwait(false);
        var current = await session.ScalarAsync<long?>("SELECT MAX(version) FROM schema_migrations", ct: ct).ConfigureAwait(false) ?? 0;
        foreach (var migration in Migration.All.Where(m => m.Version > current))
        {
            foreach (var statement in migration.Statements(this))
            {
                await session.ExecuteAsync(statement, ct: ct).ConfigureAwait(false);
            }

            await session.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @At)",
                new { migration.Version, migration.Name, At = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, ct).ConfigureAwait(false);
            logger.LogInformation("Applied schema migration {Version} ({Name}) to {Database}", migration.Version, migration.Name, Description);
        }

        await session.CommitAsync(ct).ConfigureAwait(false);
    }

    public override async Task<DbSession> ReadAsync(CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        return new DbSession(this, connection, null, null);
    }

    public override async Task<DbSession> BeginWriteAsync(bool flushOnCommit, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(ct).ConfigureAwait(false);
            // deferred: false issues BEGIN IMMEDIATE: the write lock is taken now, not at the first write.
            var transaction = connection.BeginTransaction(deferred: false);
            return new DbSession(this, connection, transaction, () =>
            {
                // Counted after the commit and inside the gate: a flush that reads this count
                // afterwards covers this transaction.
                Interlocked.Increment(ref _commits);
                _writeGate.Release();
            });
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    /// <summary>
    /// Group commit. Transactions commit with synchronous=NORMAL (the log is written, not synced)
    /// and release the write lock at once; a writer then waits here until one sync of the log has
    /// covered its commit. One sync serves every commit made before it started, so concurrent
    /// writers share it instead of queueing behind each other's syncs inside the write lock.
    /// </summary>
    protected override async Task FlushAsync(CancellationToken ct)
    {
        var upTo = Volatile.Read(ref _commits);
        if (Volatile.Read(ref _flushed) >= upTo)
        {
            return;
        }

        await _flushGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _flushed) >= upTo)
            {
                return;
            }

            var target = Volatile.Read(ref _commits);
            await Task.Run(SyncLog, CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _flushed, target);
        }
        finally
        {
            _flushGate.Release();
        }
    }

    public override bool IsTransient(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 }; // SQLITE_BUSY, SQLITE_LOCKED

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    public override ValueTask DisposeAsync()
    {
        _writeGate.Dispose();
        _flushGate.Dispose();
        return ValueTask.CompletedTask;
    }

    protected override string Translate(string template) => template
        .Replace("{identity}", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal)
        .Replace("{skip_locked}", "", StringComparison.Ordinal)
        .Replace("{for_update}", "", StringComparison.Ordinal);

    /// <summary>Syncs the write-ahead log file to the disk (what synchronous=FULL does at each commit).</summary>
    private void SyncLog()
    {
        try
        {
            using var log = new FileStream(Path + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            log.Flush(flushToDisk: true);
        }
        catch (FileNotFoundException)
        {
            // No log: the last connection checkpointed it into the database file, and a
            // checkpoint syncs the log before and the database file after copying.
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        // NORMAL: commits write the log without syncing it; FlushAsync syncs it for a group of commits.
        await connection.ExecuteAsync("PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL").ConfigureAwait(false);
        return connection;
    }
}
