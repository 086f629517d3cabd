using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Imprint.Cloud.Dashboard.Internal;

/// <summary>Whether a message reports success or a refusal.</summary>
public enum FlashKind
{
    /// <summary>The action was done.</summary>
    Done,

    /// <summary>The service refused the action.</summary>
    Refused,
}

/// <summary>A one-line message shown on the page a form redirects to.</summary>
/// <param name="Kind">Success or refusal.</param>
/// <param name="Text">The sentence (plain text).</param>
public sealed record FlashMessage(FlashKind Kind, string Text)
{
    private const string CookieName = "imprint.flash";
    private const string Purpose = "Imprint.Dashboard.Flash";

    /// <summary>Carries a message across a post/redirect/get in an encrypted, HTTP-only cookie that lives for one page view.</summary>
    public static void Set(HttpContext context, FlashKind kind, string text)
    {
        ArgumentNullException.ThrowIfNull(context);
        var protector = context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
        var payload = protector.Protect(Encoding.UTF8.GetBytes((kind == FlashKind.Done ? "d" : "r") + text));
        context.Response.Cookies.Append(CookieName, Base64Url.EncodeToString(payload), Options(context));
    }

    /// <summary>Reads and clears the pending message, if any.</summary>
    public static FlashMessage? Take(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value))
        {
            return null;
        }

        context.Response.Cookies.Delete(CookieName, Options(context));
        try
        {
            var protector = context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
            var text = Encoding.UTF8.GetString(protector.Unprotect(Base64Url.DecodeFromChars(value)));
            return text.Length == 0 ? null : new FlashMessage(text[0] == 'd' ? FlashKind.Done : FlashKind.Refused, text[1..]);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static CookieOptions Options(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
