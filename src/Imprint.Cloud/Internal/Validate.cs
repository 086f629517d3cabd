namespace Imprint.Cloud.Internal;

/// <summary>Field checks that end in one-sentence <see cref="CloudException"/>s naming the field.</summary>
internal static class Validate
{
    public static string Name(string field, string? value, int max = 200)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw CloudException.Invalid(field, "must not be empty.");
        }

        if (trimmed.Length > max)
        {
            throw CloudException.Invalid(field, $"is {trimmed.Length} characters long; the limit is {max}.");
        }

        if (trimmed.Any(char.IsControl))
        {
            throw CloudException.Invalid(field, "must not contain control characters.");
        }

        return trimmed;
    }

    public static string Text(string field, string? value, int max = 4000)
    {
        var text = value ?? "";
        if (text.Length > max)
        {
            throw CloudException.Invalid(field, $"is {text.Length} characters long; the limit is {max}.");
        }

        return text;
    }

    public static string Id(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw CloudException.Invalid(field, "is required.");
        }

        if (value.Length > 128)
        {
            throw CloudException.Invalid(field, "is longer than 128 characters.");
        }

        return value;
    }

    public static string Sha256(string field, string? value)
    {
        if (value is null || value.Length != 64 || !value.All(Uri.IsHexDigit))
        {
            throw CloudException.Invalid(field, "must be 64 hexadecimal digits (a SHA-256).");
        }

        return value.ToLowerInvariant();
    }
}
