using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Imprint.Cloud.Storage;

/// <summary>
/// Many rows passed to a statement as ONE JSON array parameter and read back as a table. The
/// statement text then no longer depends on the number of rows, so PostgreSQL prepares it once
/// instead of parsing and planning thousands of parameters for every batch.
/// </summary>
internal static class JsonRows
{
    /// <summary>The JSON array of <paramref name="items"/>, one object per item written by <paramref name="write"/>.</summary>
    public static string Write<T>(IReadOnlyCollection<T> items, Action<Utf8JsonWriter, T> write)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>(items.Count * 256 + 2);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                json.WriteStartObject();
                write(json, item);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

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
