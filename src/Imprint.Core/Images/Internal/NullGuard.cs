using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace Imprint.Images.Internal;

/// <summary>
/// Checks a deserialized manifest for nulls where the records' nullable annotations allow
/// none, including inside lists (which the JSON serializer does not check), so a crafted but
/// validly signed manifest cannot reach a station with a null where code expects a value.
/// </summary>
internal static class NullGuard
{
    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, NullabilityInfo Info)[]> Properties = new();

    public static void Check(object root, string name) => Visit(root, "manifest", name, depth: 0);

    private static void Visit(object value, string path, string name, int depth)
    {
        if (depth > 32) throw new ImageException($"{name}: the manifest is nested too deeply at {path}.");
        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is string or decimal or DateTimeOffset or DateTime or byte[]) return;
        if (type.Namespace?.StartsWith("Imprint", StringComparison.Ordinal) != true) return;

        foreach (var (property, info) in Properties.GetOrAdd(type, Describe))
        {
            var child = property.GetValue(value);
            var childPath = $"{path}.{property.Name}";
            if (child is null)
            {
                if (info.ReadState == NullabilityState.NotNull) throw Null(name, childPath);
                continue;
            }

            if (child is IEnumerable items and not string and not byte[])
            {
                bool elementsMayBeNull = info.GenericTypeArguments is [{ ReadState: not NullabilityState.NotNull }];
                int i = 0;
                foreach (var item in items)
                {
                    if (item is null)
                    {
                        if (!elementsMayBeNull) throw Null(name, $"{childPath}[{i}]");
                    }
                    else
                    {
                        Visit(item, $"{childPath}[{i}]", name, depth + 1);
                    }

                    i++;
                }
            }
            else
            {
                Visit(child, childPath, name, depth + 1);
            }
        }
    }

    private static (PropertyInfo, NullabilityInfo)[] Describe(Type type)
    {
        var context = new NullabilityInfoContext();
        return [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0)
            .Select(p => (p, context.Create(p)))];
    }

    private static ImageException Null(string name, string path) =>
        new($"{name}: the manifest holds null at {path}, where a value is required.");
}
