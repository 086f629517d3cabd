using Dapper;
using Microsoft.Data.Sqlite;

namespace Imprint.Station.State;

/// <summary>
/// The station database schema, created and upgraded by the code. Each entry of
/// <see cref="Migrations"/> moves <c>PRAGMA user_version</c> up by one.
/// </summary>
internal static class Schema
{
    // Never edit a shipped migration: append a new one.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        -- One counter per serial pool on this station, shared by every image naming the pool:
        -- the n-th unit drawn from a pool gets index n, which each serial definition turns
        -- into its number (start + n * step).
        CREATE TABLE pools (
            name TEXT PRIMARY KEY,
            next_index INTEGER NOT NULL DEFAULT 0,
            used INTEGER NOT NULL DEFAULT 0,
            returned INTEGER NOT NULL DEFAULT 0);

        -- Every pool index ever drawn: reserved by a unit in progress, used by a passed unit,
        -- or free (returned by a failed unit, issued again before new indexes).
        CREATE TABLE serials (
            pool TEXT NOT NULL,
            idx INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('reserved', 'used', 'free')),
            record_id TEXT,
            PRIMARY KEY (pool, idx)) WITHOUT ROWID;
        CREATE INDEX serials_free ON serials (pool, idx) WHERE state = 'free';
        CREATE INDEX serials_reserved ON serials (record_id) WHERE state = 'reserved';

        -- Per image unique id, so limits survive deleting and re-adding the image.
        CREATE TABLE image_counts (
            image_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            passed INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            last_unit_at TEXT);

        -- A unit between reservation and its record; what recovery resolves after a crash.
        CREATE TABLE units_in_progress (
            record_id TEXT PRIMARY KEY,
            image_id TEXT NOT NULL,
            image_name TEXT NOT NULL,
            image_crc INTEGER NOT NULL,
            target TEXT NOT NULL,
            started_at TEXT NOT NULL,
            serials TEXT NOT NULL);

        CREATE TABLE records (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            image_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            result TEXT NOT NULL,
            body TEXT NOT NULL);

        CREATE TABLE images (
            image_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            file_name TEXT NOT NULL,
            file_crc INTEGER NOT NULL,
            size INTEGER NOT NULL,
            added_at TEXT NOT NULL);
        """,
        """
        -- The cloud grant of a JOB unit in progress (JSON), so recovery can report it.
        ALTER TABLE units_in_progress ADD COLUMN cloud TEXT;

        -- Records of JOB units not yet accepted by the cloud; written in the record's own
        -- transaction, deleted once the cloud acknowledged the upload.
        CREATE TABLE cloud_outbox (record_id TEXT PRIMARY KEY) WITHOUT ROWID;
        """,
        """
        -- A record the cloud refused for good stays in the outbox as 'rejected', with the
        -- cloud's status and message, so it no longer holds up the records behind it;
        -- requeueing sets it back to 'queued'.
        ALTER TABLE cloud_outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'rejected'));
        ALTER TABLE cloud_outbox ADD COLUMN rejected_at TEXT;
        ALTER TABLE cloud_outbox ADD COLUMN rejected_status INTEGER;
        ALTER TABLE cloud_outbox ADD COLUMN rejected_message TEXT;
        """,
        """
        -- The cloud job whose current image this was when a sync saw it, so that a new revision
        -- of the job replaces it; NULL for images that no sync has matched to a job.
        ALTER TABLE images ADD COLUMN job_id TEXT;
        """,
    ];

    public static int CurrentVersion => Migrations.Length;

    public static void Apply(SqliteConnection connection, string path)
    {
        int version = connection.ExecuteScalar<int>("PRAGMA user_version");
        if (version > Migrations.Length)
        {
            throw new StationException($"{path} has schema version {version}, newer than this imprint understands ({Migrations.Length}); upgrade imprint.");
        }

        for (int v = version; v < Migrations.Length; v++)
        {
            // BEGIN IMMEDIATE (the default here) serializes two processes opening a new
            // station at once: the second re-reads the version and skips what is done.
            using var transaction = connection.BeginTransaction();
            if (connection.ExecuteScalar<int>("PRAGMA user_version", transaction: transaction) > v) continue;
            connection.Execute(Migrations[v], transaction: transaction);
            connection.Execute($"PRAGMA user_version = {v + 1}", transaction: transaction);
            transaction.Commit();
        }
    }
}
