using System.Data.Common;
using Dapper;

namespace Imprint.Cloud.Storage;

/// <summary>
/// One connection and (for writes) one transaction. Every query of the service layer goes
/// through here so that the dialect's placeholders are applied in one place.
/// </summary>
public sealed class DbSession : IAsyncDisposable
{
    private readonly CloudDatabase _database;
    private readonly Action? _release;
    private bool _committed;
    private bool _commitSent;
    private readonly bool _flushOnCommit;

    internal DbSession(CloudDatabase database, DbConnection connection, DbTransaction? transaction, Action? release, bool flushOnCommit = true)
    {
        _database = database;
        _flushOnCommit = flushOnCommit;
        Connection = connection;
        Transaction = transaction;
        _release = release;
    }

    public DbConnection Connection { get; }

    public DbTransaction? Transaction { get; }

    public SqlDialect Dialect => _database.Dialect;

    /// <summary>
    /// How many rows one multi-row statement should carry. SQLite looks each named parameter up
    /// linearly when binding (quadratic in the count) but has no round trips, so it gets small
    /// statements; PostgreSQL gets large ones to save round trips.
    /// </summary>
    public int BatchRows(int parametersPerRow) =>
        Math.Max(1, (Dialect == SqlDialect.Sqlite ? 600 : 30_000) / Math.Max(1, parametersPerRow));

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        Connection.QueryAsync<T>(Command(sql, param, ct));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        Connection.QuerySingleOrDefaultAsync<T>(Command(sql, param, ct));

    public Task<T> ScalarAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        Connection.ExecuteScalarAsync<T>(Command(sql, param, ct))!;

    /// <summary>Runs several statements in one round trip; read their results in order.</summary>
    public Task<SqlMapper.GridReader> QueryMultipleAsync(string sql, object? param = null, CancellationToken ct = default) =>
        Connection.QueryMultipleAsync(Command(sql, param, ct));

    /// <summary>
    /// Runs a write transaction's last statements and, on PostgreSQL, its COMMIT in the same round
    /// trip: the row locks those statements take are then released by the server itself, not
    /// after the client has read the results and sent the commit (under load that wait, not the
    /// statements, is what rows every request updates are held for). A failing statement makes
    /// the server skip the COMMIT, and the transaction is rolled back as usual. SQLite commits
    /// locally, in <see cref="CommitAsync"/>. <paramref name="afterCommit"/> (PostgreSQL only) is
    /// one more statement in the same round trip, run as its own transaction and committed durably
    /// whatever this session's commit is; the server skips it when the transaction failed.
    /// </summary>
    public Task<SqlMapper.GridReader> QueryMultipleThenCommitAsync(string sql, object? param, string? afterCommit, CancellationToken ct)
    {
        if (afterCommit is not null && (Dialect != SqlDialect.Postgres || Transaction is null))
        {
            throw new InvalidOperationException("A statement after the commit travels with it only on PostgreSQL, in a write transaction.");
        }

        return QueryMultipleAsync(afterCommit is null ? WithCommit(sql) : WithCommit(sql) + ";\n" + afterCommit, param, ct);
    }

    /// <summary>Like <see cref="QueryMultipleThenCommitAsync"/> for statements that return no rows.</summary>
    public Task<int> ExecuteThenCommitAsync(string sql, object? param = null, CancellationToken ct = default) =>
        ExecuteAsync(WithCommit(sql), param, ct);

    public Task<int> ExecuteAsync(string sql, object? param = null, CancellationToken ct = default) =>
        Connection.ExecuteAsync(Command(sql, param, ct));

    public async Task CommitAsync(CancellationToken ct = default)
    {
        // After QueryMultipleThenCommitAsync the results were read without error, so the COMMIT that followed them ran.
        if (Transaction is not null && !_commitSent)
        {
            if (Dialect == SqlDialect.Postgres && !_flushOnCommit)
            {
                await ExecuteAsync(AsynchronousCommit, ct: ct).ConfigureAwait(false);
            }

            await Transaction.CommitAsync(ct).ConfigureAwait(false);
        }

        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Transaction is not null)
            {
                if (!_committed)
                {
                    try
                    {
                        await Transaction.RollbackAsync().ConfigureAwait(false);
                    }
                    catch (DbException)
                    {
                        // The connection may already be broken; disposing it discards the transaction anyway.
                    }
                    catch (InvalidOperationException) when (_commitSent)
                    {
                        // The COMMIT sent with the last statements ran before the failure: nothing to roll back.
                    }
                }

                await Transaction.DisposeAsync().ConfigureAwait(false);
            }

            await Connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _release?.Invoke();
        }
    }

    // synchronous_commit is read when the transaction commits, so setting it just before the COMMIT suffices.
    private const string AsynchronousCommit = "SET LOCAL synchronous_commit = off";

    private string PostgresCommit => _flushOnCommit ? "COMMIT" : AsynchronousCommit + ";\nCOMMIT";

    private string WithCommit(string sql)
    {
        if (Dialect != SqlDialect.Postgres || Transaction is null)
        {
            return sql;
        }

        _commitSent = true;
        return sql + ";\n" + PostgresCommit;
    }

    private CommandDefinition Command(string sql, object? param, CancellationToken ct) =>
        new(_database.Sql(sql), param, Transaction, cancellationToken: ct);
}
