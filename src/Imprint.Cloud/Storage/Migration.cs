namespace Imprint.Cloud.Storage;

/// <summary>One versioned schema change; statements are separated by a line ending in ';'.</summary>
/// <param name="Version">The version it brings the schema to.</param>
/// <param name="Name">What it does.</param>
/// <param name="Script">The SQL, with the dialect placeholders of <see cref="CloudDatabase"/>.</param>
/// <param name="Only">The one engine it changes, if any; on the other the version is recorded with nothing to do.</param>
public sealed record Migration(int Version, string Name, string Script, SqlDialect? Only = null)
{
    /// <summary>Gets the migrations in order. Append new ones; never edit an applied one.</summary>
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "initial schema", Schema.Initial),
        new(2, "image blobs in the database", Schema.Blobs),
        new(3, "records keyed by account and record id", Schema.RecordsKey, SqlDialect.Postgres),
    ];

    public IEnumerable<string> Statements(CloudDatabase database) =>
        Only is { } only && only != database.Dialect ? [] : Script.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.TrimEnd(';'))
            .Where(s => s.Length > 0)
            .Select(database.Sql);
}
