namespace Imprint.Cloud.Storage;

/// <summary>The database engines the cloud runs on.</summary>
public enum SqlDialect
{
    /// <summary>An embedded SQLite file (one host; the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (one or many hosts).</summary>
    Postgres,
}
