using Imprint.Cloud.Storage;
using Imprint.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Imprint.Tests.Storage;

/// <summary>Schema upgrades of databases written by earlier versions of the service.</summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task Postgres_Version2WithRecords_UpgradesToRecordsKeyedByAccountAndId_RowsKept()
    {
        var server = await PostgresServer.Shared;
        using var temp = new TempDirectory();
        var url = await server.CreateDatabaseAsync();
        await using (var database = DatabaseUrl.Open(url, temp.Path))
        {
            // The schema as version 2 of the service left it, with one record.
            await using var connection = new NpgsqlConnection(url);
            await connection.OpenAsync();
            foreach (var migration in Migration.All.Where(m => m.Version <= 2))
            {
                foreach (var statement in migration.Statements(database))
                {
                    await Execute(connection, statement);
                }
            }

            await Execute(connection, """
                CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL);
                INSERT INTO schema_migrations VALUES (1, 'initial schema', 0), (2, 'image blobs in the database', 0);
                INSERT INTO records (id, account_id, job_id, image_id, factory_id, station_id, grant_id, unit_idx, started_at, finished_at, duration_ms,
                    result, serials, serial_key, custom_data, test_results, dynamic_data, steps, received_at, late)
                VALUES ('r1', 'a1', 'j1', 'i1', 'f1', 's1', 'g1', 0, 1, 2, 1, 'success', '[]', ' ', '{}', '[]', '{}', '{}', 3, 0)
                """);

            await database.MigrateAsync(NullLogger.Instance, CancellationToken.None);

            (await Scalar(connection, "SELECT MAX(version) FROM schema_migrations")).ShouldBe((long)Migration.All[^1].Version);
            (await Scalar(connection, "SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k (attnum, n) " +
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE i.indrelid = 'records'::regclass AND i.indisprimary"))
                .ShouldBe("account_id,id");
            (await Scalar(connection, "SELECT count(*) FROM records WHERE account_id = 'a1' AND id = 'r1' AND seq = 1")).ShouldBe(1L);

            // The record id stays unique per account, now as the primary key.
            await Should.ThrowAsync<PostgresException>(() => Execute(connection, """
                INSERT INTO records (id, account_id, job_id, image_id, factory_id, station_id, grant_id, unit_idx, started_at, finished_at, duration_ms,
                    result, serials, serial_key, custom_data, test_results, dynamic_data, steps, received_at, late)
                VALUES ('r1', 'a1', 'j1', 'i1', 'f1', 's1', 'g1', 1, 1, 2, 1, 'success', '[]', ' ', '{}', '[]', '{}', '{}', 3, 0)
                """));
        }
    }

    [Fact]
    public async Task Sqlite_AMigrationForPostgresOnly_IsRecordedWithNothingToDo()
    {
        using var temp = new TempDirectory();
        await using var database = DatabaseUrl.Open(Path.Combine(temp.Path, "cloud.db"), temp.Path);
        await database.MigrateAsync(NullLogger.Instance, CancellationToken.None);

        Migration.All.Single(m => m.Version == 3).Statements(database).ShouldBeEmpty();
        await using var session = await database.ReadAsync(CancellationToken.None);
        (await session.ScalarAsync<long>("SELECT MAX(version) FROM schema_migrations", ct: CancellationToken.None)).ShouldBe((long)Migration.All[^1].Version);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
