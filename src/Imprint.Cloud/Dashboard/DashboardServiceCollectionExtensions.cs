using Imprint.Cloud.Dashboard.Security;
using Imprint.Cloud.Services;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprint.Cloud.Dashboard;

/// <summary>Registers the dashboard: static server rendering of Razor components, cookie sessions, antiforgery, data-protection keys in the database.</summary>
public static class DashboardServiceCollectionExtensions
{
    public static IServiceCollection AddImprintDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRazorComponents();
        services.AddSingleton<DashboardQueries>();

        // Session cookies and antiforgery tokens are encrypted with keys every host sharing the database can read.
        services.AddDataProtection().SetApplicationName("Imprint.Cloud");
        services.AddSingleton<CloudKeyXmlRepository>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = sp.GetRequiredService<CloudKeyXmlRepository>()));
        // The keys sit in the database next to the grant-signing key, protected by the same access rules.
        services.AddLogging(b => b.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "imprint.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__csrf";
        });
        services.AddAuthentication().AddCookie(DashboardAuth.Scheme, DashboardAuth.Configure);
        services.AddOptions<CookieAuthenticationOptions>(DashboardAuth.Scheme).Configure<TimeProvider>((o, time) => o.TimeProvider = time);
        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardAuth.Scheme, p => p.AddAuthenticationSchemes(DashboardAuth.Scheme).RequireAuthenticatedUser());
        return services;
    }
}
