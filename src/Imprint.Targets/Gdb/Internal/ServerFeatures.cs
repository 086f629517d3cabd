namespace Imprint.Targets.Gdb.Internal;

/// <summary>What a debug server announced in its <c>qSupported</c> reply.</summary>
/// <param name="PacketSize">The largest packet the server accepts (hexadecimal on the wire), or <see langword="null"/> when not announced.</param>
/// <param name="Features">Every feature as announced: <c>name+</c>, <c>name-</c>, <c>name?</c> or <c>name=value</c>, by name.</param>
internal sealed record ServerFeatures(int? PacketSize, IReadOnlyDictionary<string, string> Features)
{
    /// <summary>Gets a value indicating whether the server announced <paramref name="name"/> with <c>+</c>.</summary>
    public bool Supports(string name) => Features.TryGetValue(name, out string? v) && v == "+";

    /// <summary>Parses a <c>qSupported</c> reply such as <c>PacketSize=1000;qXfer:features:read+</c>.</summary>
    public static ServerFeatures Parse(string reply)
    {
        var features = new Dictionary<string, string>(StringComparer.Ordinal);
        int? packetSize = null;
        foreach (string item in reply.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                string name = item[..eq], value = item[(eq + 1)..];
                features[name] = value;
                if (name == "PacketSize" && RspHex.TryParseNumber(value.AsSpan(), out ulong size) && size > 0)
                {
                    packetSize = (int)Math.Min(size, int.MaxValue);
                }
            }
            else if (item[^1] is '+' or '-' or '?')
            {
                features[item[..^1]] = item[^1..];
            }
        }

        return new ServerFeatures(packetSize, features);
    }
}
