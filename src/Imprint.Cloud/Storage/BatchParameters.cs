using System.Data;
using Dapper;

namespace Imprint.Cloud.Storage;

/// <summary>
/// Parameters for multi-row statements (thousands of values). Dapper's DynamicParameters looks
/// each name up in the command's collection as it adds it, which grows quadratically with the
/// count; this adds them straight to the command.
/// </summary>
public sealed class BatchParameters : SqlMapper.IDynamicParameters
{
    private readonly List<(string Name, object? Value, DbType Type)> _values = [];

    public int Count => _values.Count;

    public void Add(string name, string? value) => _values.Add((name, value, DbType.String));

    public void Add(string name, long? value) => _values.Add((name, value, DbType.Int64));

    /// <summary>An array (PostgreSQL only: <c>text[]</c>, <c>bigint[]</c>), typed by the provider from its elements.</summary>
    public void AddArray(string name, Array value) => _values.Add((name, value, DbType.Object));

    void SqlMapper.IDynamicParameters.AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        foreach (var (name, value, type) in _values)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            if (type != DbType.Object)
            {
                p.DbType = type;
            }

            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
    }
}
