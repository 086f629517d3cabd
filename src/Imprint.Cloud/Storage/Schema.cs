namespace Imprint.Cloud.Storage;

/// <summary>
/// The schema. Times are Unix milliseconds (BIGINT) and flags INTEGER 0/1 on both engines, so the
/// same statements and the same row types work on SQLite and PostgreSQL.
/// </summary>
internal static class Schema
{
    public const string Initial = """
        CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL);
        CREATE TABLE users (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, created_at BIGINT NOT NULL);
        CREATE INDEX users_account ON users (account_id);
        CREATE TABLE credentials (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL,
            secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL, last_used_at BIGINT, revoked_at BIGINT);
        CREATE INDEX credentials_account ON credentials (account_id);
        CREATE TABLE factories (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL, created_at BIGINT NOT NULL, deleted_at BIGINT);
        CREATE INDEX factories_account ON factories (account_id);
        CREATE TABLE provisioning_tokens (token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL, factory_id TEXT NOT NULL, station_group TEXT,
            created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT, station_id TEXT);
        CREATE TABLE stations (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, factory_id TEXT NOT NULL, station_group TEXT, name TEXT NOT NULL,
            public_key TEXT NOT NULL, status TEXT NOT NULL, software_version TEXT, images TEXT NOT NULL, registered_at BIGINT NOT NULL,
            last_seen_at BIGINT, programmed BIGINT NOT NULL, failed BIGINT NOT NULL);
        CREATE INDEX stations_account ON stations (account_id, factory_id);
        CREATE TABLE station_nonces (station_id TEXT NOT NULL, nonce TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (station_id, nonce));
        CREATE INDEX station_nonces_expiry ON station_nonces (expires_at);
        CREATE TABLE jobs (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, factory_id TEXT NOT NULL, image_id TEXT NOT NULL, revision BIGINT NOT NULL,
            name TEXT NOT NULL, description TEXT NOT NULL, device TEXT NOT NULL, image_sha256 TEXT NOT NULL, serials TEXT NOT NULL,
            max_count BIGINT, valid_from BIGINT, valid_until BIGINT, per_station_cap BIGINT, build_info TEXT NOT NULL,
            encrypted INTEGER NOT NULL, burn_failed INTEGER NOT NULL, all_stations INTEGER NOT NULL, status TEXT NOT NULL,
            used BIGINT NOT NULL, failed BIGINT NOT NULL, reserved BIGINT NOT NULL, blob_path TEXT,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
        CREATE INDEX jobs_account ON jobs (account_id, factory_id);
        CREATE INDEX jobs_image ON jobs (account_id, image_id);
        CREATE TABLE job_stations (job_id TEXT NOT NULL, station_id TEXT NOT NULL, PRIMARY KEY (job_id, station_id));
        CREATE INDEX job_stations_station ON job_stations (station_id);
        CREATE TABLE job_station_usage (job_id TEXT NOT NULL, station_id TEXT NOT NULL, used BIGINT NOT NULL, reserved BIGINT NOT NULL,
            PRIMARY KEY (job_id, station_id));
        CREATE TABLE serial_pools (account_id TEXT NOT NULL, name TEXT NOT NULL, next_value BIGINT NOT NULL, PRIMARY KEY (account_id, name));
        CREATE TABLE serial_free (account_id TEXT NOT NULL, pool TEXT NOT NULL, value BIGINT NOT NULL, PRIMARY KEY (account_id, pool, value));
        CREATE TABLE serial_used (account_id TEXT NOT NULL, pool TEXT NOT NULL, value BIGINT NOT NULL, record_id TEXT NOT NULL,
            PRIMARY KEY (account_id, pool, value));
        CREATE TABLE grant_units (grant_id TEXT NOT NULL, idx INTEGER NOT NULL, account_id TEXT NOT NULL, factory_id TEXT NOT NULL,
            job_id TEXT NOT NULL, image_id TEXT NOT NULL, station_id TEXT NOT NULL, state TEXT NOT NULL, issued_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL, reclaim_at BIGINT NOT NULL, serials TEXT NOT NULL, serial_key TEXT NOT NULL, record_id TEXT, PRIMARY KEY (grant_id, idx));
        CREATE INDEX grant_units_open ON grant_units (job_id, reclaim_at) WHERE state = 'reserved';
        CREATE INDEX grant_units_sweep ON grant_units (reclaim_at) WHERE state = 'reserved';
        CREATE TABLE records (seq {identity}, id TEXT NOT NULL, account_id TEXT NOT NULL, job_id TEXT NOT NULL, image_id TEXT NOT NULL,
            factory_id TEXT NOT NULL, station_id TEXT NOT NULL, grant_id TEXT NOT NULL, unit_idx INTEGER NOT NULL,
            started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL, duration_ms BIGINT NOT NULL, result TEXT NOT NULL,
            failure_step TEXT, failure_message TEXT, serials TEXT NOT NULL, serial_key TEXT NOT NULL, custom_data TEXT NOT NULL,
            test_results TEXT NOT NULL, dynamic_data TEXT NOT NULL, steps TEXT NOT NULL, received_at BIGINT NOT NULL, late INTEGER NOT NULL);
        CREATE UNIQUE INDEX records_id ON records (account_id, id);
        CREATE INDEX records_account ON records (account_id, seq);
        CREATE INDEX records_job ON records (account_id, job_id, seq);
        CREATE INDEX records_station ON records (account_id, station_id, seq);
        CREATE INDEX records_finished ON records (account_id, finished_at);
        CREATE TABLE audit (seq {identity}, account_id TEXT NOT NULL, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            target TEXT NOT NULL, details TEXT);
        CREATE INDEX audit_account ON audit (account_id, seq);
        CREATE TABLE cloud_keys (id TEXT PRIMARY KEY, private_key TEXT NOT NULL, created_at BIGINT NOT NULL);
        """;

    /// <summary>
    /// Image blobs kept in the database (<c>--blobs db</c>). BYTEA is PostgreSQL's binary type;
    /// SQLite stores the bound byte arrays as BLOBs under any declared type name.
    /// </summary>
    public const string Blobs = """
        CREATE TABLE blobs (id TEXT PRIMARY KEY, length BIGINT NOT NULL, chunk_size BIGINT NOT NULL, sha256 TEXT NOT NULL, created_at BIGINT NOT NULL);
        CREATE TABLE blob_chunks (blob_id TEXT NOT NULL, idx BIGINT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (blob_id, idx));
        """;

    /// <summary>
    /// PostgreSQL: the record id (unique per account, the idempotency key) becomes the primary key,
    /// and the index on the sequence number alone, which no query needs (each names the account),
    /// goes: one index fewer to maintain per ingested record (about 10% more records/s). On SQLite
    /// the sequence number is the rowid, which costs no index.
    /// </summary>
    public const string RecordsKey = """
        ALTER TABLE records DROP CONSTRAINT records_pkey;
        ALTER TABLE records ADD CONSTRAINT records_pkey PRIMARY KEY USING INDEX records_id;
        """;
}
