using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Imprint.Sdk.Cloud;

/// <summary>Shared response handling: success bodies as JSON, failures as <see cref="CloudApiException"/>.</summary>
internal static class CloudHttp
{
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var value = await response.Content.ReadFromJsonAsync<T>(CloudJson.Options, cancellationToken).ConfigureAwait(false);
        return value ?? throw new CloudApiException(response.StatusCode, null, $"The cloud answered {(int)response.StatusCode} with an empty body.");
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? title = null;
        string? detail = null;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                title = json.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
                detail = json.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Not a ProblemDetails body (a proxy's error page, say): fall back to the status line.
        }

        var message = detail ?? title ?? $"The cloud answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        throw new CloudApiException(response.StatusCode, title, message);
    }

    public static HttpStatusCode Status(HttpResponseMessage response) => response.StatusCode;
}
