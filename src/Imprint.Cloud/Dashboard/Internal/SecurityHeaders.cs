
namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>
/// The headers every dashboard response carries. The content security policy allows scripts,
/// styles and requests from this origin only: the pages have no inline script or style, so a
/// script injected into a page would not run.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // What antiforgery sets on pages with forms anyway (it logs a warning when it has to override something else).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
    }
}
