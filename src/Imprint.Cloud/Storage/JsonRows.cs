using System.Globalization;
using System.Text;

namespace Imprint.Cloud.Storage;

/// <summary>
/// Many rows passed to a statement as ONE JSON array parameter and read back as a table. The
/// statement text then no longer depends on the number of rows, so PostgreSQL prepares it once
/// instead of parsing and planning thousands of parameters for every batch.
/// </summary>
internal static class JsonRows
{
    /// <summary>
    /// The table expression over the JSON array in parameter <paramref name="parameter"/> (objects
    /// whose property names are the column names), aliased <paramref name="alias"/>.
    /// </summary>
    public static string From(SqlDialect dialect, string parameter, string alias, params (string Name, string Type)[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (dialect == SqlDialect.Postgres)
        {
            var definition = string.Join(", ", columns.Select(c => $"{c.Name} {c.Type}"));
            return $"json_to_recordset(CAST(@{parameter} AS json)) AS {alias} ({definition})";
        }

        var select = new StringBuilder();
        foreach (var (name, _) in columns)
        {
            select.Append(select.Length == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"json_extract(value, '$.{name}') AS {name}");
        }

        return $"(SELECT {select} FROM json_each(@{parameter})) AS {alias}";
    }
}
