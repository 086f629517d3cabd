using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Imprint.Cloud;

/// <summary>Builds the cloud as a Kestrel web application: what <c>imprint cloud serve</c>, the tests and the benchmark run.</summary>
public static class CloudHost
{
    public static WebApplication Build(CloudOptions options, string urls, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = Math.Max(options.MaxImageBytes, options.MaxRequestBytes));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        // Request-level chatter from ASP.NET stays out; the cloud's own events (refusals, sweeps, startup) stay in.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Lifetime", LogLevel.Information);
        builder.Services.AddImprintCloud(options);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapImprintCloud();
        return app;
    }
}
