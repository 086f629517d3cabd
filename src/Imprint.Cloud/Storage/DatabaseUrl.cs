using Npgsql;

namespace Imprint.Cloud.Storage;

/// <summary>Turns a <c>--db</c> value into a database.</summary>
public static class DatabaseUrl
{
    /// <summary>
    /// Opens the database a URL names: empty for the default SQLite file in
    /// <paramref name="dataDirectory"/>; <c>postgres://user:pass@host:port/db</c>,
    /// <c>postgresql://…</c> or an Npgsql connection string (<c>Host=…</c>) for PostgreSQL;
    /// <c>sqlite:PATH</c>, <c>Data Source=PATH</c> or a plain file path for SQLite.
    /// </summary>
    public static CloudDatabase Open(string? url, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return new SqliteCloudDatabase(Path.Combine(dataDirectory, "cloud.db"));
        }

        if (url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresCloudDatabase(FromUri(url));
        }

        if (url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = url["sqlite:".Length..];
            return new SqliteCloudDatabase(path.StartsWith("//", StringComparison.Ordinal) ? path[2..] : path);
        }

        if (url.Contains("Data Source=", StringComparison.OrdinalIgnoreCase))
        {
            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(url);
            return new SqliteCloudDatabase(builder.DataSource);
        }

        if (url.Contains("Host=", StringComparison.OrdinalIgnoreCase) || url.Contains("Server=", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresCloudDatabase(url);
        }

        return new SqliteCloudDatabase(url);
    }

    /// <summary>Converts <c>postgres://user:pass@host:port/db?opt=value</c> to an Npgsql connection string.</summary>
    public static string FromUri(string url)
    {
        Uri uri;
        try
        {
            uri = new Uri(url);
        }
        catch (UriFormatException)
        {
            throw new CloudException(CloudErrorKind.Invalid, "Invalid database URL", "--db: not a valid postgres:// URL (expected postgres://user:password@host:port/database).");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            builder[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "true";
        }

        return builder.ConnectionString;
    }
}
