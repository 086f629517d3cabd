namespace Imprint.Cli.Commands;

/// <summary>Parses <c>--data NAME=HEX</c> values into dynamic data.</summary>
internal static class DynamicDataOption
{
    public static Dictionary<string, byte[]> Parse(IEnumerable<string>? values)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            int eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ImprintException($"--data {value}: expected NAME=HEX, for example mac=02A1B2C3D4E5.");
            }

            var name = value[..eq];
            var hex = value[(eq + 1)..].Replace(":", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) hex = hex[2..];
            if (hex.Length == 0 || hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
            {
                throw new ImprintException($"--data {value}: '{value[(eq + 1)..]}' is not an even number of hexadecimal digits.");
            }

            if (!result.TryAdd(name, Convert.FromHexString(hex)))
            {
                throw new ImprintException($"--data names slot '{name}' twice.");
            }
        }

        return result;
    }
}
