using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Imprint.Cloud.Storage;

/// <summary>
/// The storage abstraction: a SQLite file or a PostgreSQL server, with the same SQL (Dapper)
/// where the engines agree and a few placeholders where they do not:
/// <c>{identity}</c> (auto-increment primary key), <c>{skip_locked}</c> (row locks that skip
/// rows other transactions hold; SQLite needs none since it has one writer).
/// </summary>
public abstract class CloudDatabase : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _sql = new(StringComparer.Ordinal);

    public abstract SqlDialect Dialect { get; }

    /// <summary>Gets a description without secrets, for logs.</summary>
    public abstract string Description { get; }

    /// <summary>Creates the schema or migrates it to the newest version; safe to run from several hosts at once.</summary>
    public abstract Task MigrateAsync(ILogger logger, CancellationToken ct);

    /// <summary>Opens a read session (no transaction).</summary>
    public abstract Task<DbSession> ReadAsync(CancellationToken ct);

    /// <summary>Opens a write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: READ COMMITTED with row locks).</summary>
    /// <param name="flushOnCommit">
    /// False lets the commit return before the log reaches the disk (PostgreSQL's asynchronous
    /// commit), so the rows it locked are released without waiting for a flush. Such a commit
    /// becomes durable with the next durable commit on the server, since the log is flushed in
    /// order: make one before anyone outside learns of the outcome.
    /// </param>
    /// <param name="ct">Cancels the operation.</param>
    public abstract Task<DbSession> BeginWriteAsync(bool flushOnCommit, CancellationToken ct);

    /// <summary>Opens a write transaction whose commit waits for the disk.</summary>
    public Task<DbSession> BeginWriteAsync(CancellationToken ct) => BeginWriteAsync(flushOnCommit: true, ct);

    /// <summary>Whether an exception is a transient conflict (deadlock, serialization failure, busy) worth retrying.</summary>
    public abstract bool IsTransient(DbException exception);

    /// <summary>Whether an exception is a unique-key violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>Runs <paramref name="work"/> in a write transaction and commits it durably, retrying transient conflicts.</summary>
    public Task<T> WriteAsync<T>(Func<DbSession, Task<T>> work, CancellationToken ct) => WriteAsync(work, flushOnCommit: true, ct);

    /// <summary>Runs <paramref name="work"/> in a write transaction and commits it, retrying transient conflicts.</summary>
    /// <param name="work">The transaction's statements.</param>
    /// <param name="flushOnCommit">See <see cref="BeginWriteAsync(bool, CancellationToken)"/>.</param>
    /// <param name="ct">Cancels the operation.</param>
    public async Task<T> WriteAsync<T>(Func<DbSession, Task<T>> work, bool flushOnCommit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                T result;
                await using (var session = await BeginWriteAsync(flushOnCommit, ct).ConfigureAwait(false))
                {
                    result = await work(session).ConfigureAwait(false);
                    await session.CommitAsync(ct).ConfigureAwait(false);
                }

                if (flushOnCommit)
                {
                    await FlushAsync(ct).ConfigureAwait(false);
                }

                return result;
            }
            catch (DbException ex) when (attempt < 5 && IsTransient(ex))
            {
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs one statement as its own durable transaction (PostgreSQL: one round trip, no BEGIN).</summary>
    public virtual Task<int> WriteOneAsync(string sql, object? param, CancellationToken ct) =>
        WriteAsync(s => s.ExecuteAsync(sql, param, ct), ct);

    /// <summary>
    /// Makes the commits made so far durable, after their sessions were released. PostgreSQL's
    /// durable commits already are; SQLite groups the syncs of concurrent writers here.
    /// </summary>
    protected virtual Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Runs <paramref name="work"/> on a read session.</summary>
    public async Task<T> ReadAsync<T>(Func<DbSession, Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var session = await ReadAsync(ct).ConfigureAwait(false);
        return await work(session).ConfigureAwait(false);
    }

    /// <summary>Checks that the database answers.</summary>
    public async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            await using var session = await ReadAsync(ct).ConfigureAwait(false);
            return await session.ScalarAsync<long>("SELECT 1", ct: ct).ConfigureAwait(false) == 1;
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <summary>Applies the dialect's placeholders (cached per statement text).</summary>
    public string Sql(string template) => _sql.GetOrAdd(template, Translate);

    public abstract ValueTask DisposeAsync();

    protected abstract string Translate(string template);
}
