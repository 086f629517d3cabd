using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Imprint.Cloud.Storage;

/// <summary>
/// Many rows passed to one statement as a fixed number of parameters and read back as a table, so
/// the statement text does not depend on the number of rows and PostgreSQL prepares it once
/// instead of parsing and planning thousands of parameters for every batch. On PostgreSQL each
/// column travels as one typed array (<c>unnest</c>), which the server reads in binary; on SQLite
/// the rows travel as one JSON array (<c>json_each</c>).
/// </summary>
/// <typeparam name="T">The item each row is made from.</typeparam>
internal sealed class RowSet<T>(IReadOnlyCollection<T> items)
{
    private readonly List<(string Name, Func<T, string?>? Text, Func<T, long>? Integer)> _columns = [];

    /// <summary>Adds a text column.</summary>
    public RowSet<T> Text(string name, Func<T, string?> value)
    {
        _columns.Add((name, value, null));
        return this;
    }

    /// <summary>Adds an integer column.</summary>
    public RowSet<T> Integer(string name, Func<T, long> value)
    {
        _columns.Add((name, null, value));
        return this;
    }

    /// <summary>
    /// Adds the rows to <paramref name="parameters"/> and returns the table expression that reads
    /// them, aliased <paramref name="alias"/> (which also prefixes the parameters' names).
    /// </summary>
    public string From(SqlDialect dialect, BatchParameters parameters, string alias)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return dialect == SqlDialect.Postgres ? Unnest(parameters, alias) : JsonEach(parameters, alias);
    }

    private string Unnest(BatchParameters parameters, string alias)
    {
        foreach (var (name, text, integer) in _columns)
        {
            parameters.AddArray($"{alias}_{name}", text is not null ? (Array)items.Select(text).ToArray() : items.Select(integer!).ToArray());
        }

        var arrays = string.Join(", ", _columns.Select(c => $"@{alias}_{c.Name}"));
        return $"unnest({arrays}) AS {alias} ({string.Join(", ", _columns.Select(c => c.Name))})";
    }

    private string JsonEach(BatchParameters parameters, string alias)
    {
        var buffer = new ArrayBufferWriter<byte>(items.Count * 64 * _columns.Count + 2);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                json.WriteStartObject();
                foreach (var (name, text, integer) in _columns)
                {
                    if (text is not null)
                    {
                        json.WriteString(name, text(item));
                    }
                    else
                    {
                        json.WriteNumber(name, integer!(item));
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        parameters.Add($"{alias}_rows", Encoding.UTF8.GetString(buffer.WrittenSpan));
        var select = string.Join(", ", _columns.Select(c => string.Create(CultureInfo.InvariantCulture, $"json_extract(value, '$.{c.Name}') AS {c.Name}")));
        return $"(SELECT {select} FROM json_each(@{alias}_rows)) AS {alias}";
    }
}
