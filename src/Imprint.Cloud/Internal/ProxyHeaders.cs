using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Imprint.Cloud.Internal;

/// <summary>
/// Behind a reverse proxy (<see cref="CloudOptions.BehindProxy"/>): applies X-Forwarded-For,
/// -Proto and -Host from trusted proxies only, so <c>Request.IsHttps</c> (Secure cookies) and
/// <c>Request.Host</c> (links, sign-in redirects) are what the client used. Headers from any other
/// address are ignored: a client cannot claim HTTPS or another host by sending them itself.
/// </summary>
internal static class ProxyHeaders
{
    public static IApplicationBuilder UseCloudProxyHeaders(this IApplicationBuilder app, CloudOptions options) =>
        options.BehindProxy ? app.UseForwardedHeaders(For(options)) : app;

    internal static ForwardedHeadersOptions For(CloudOptions options)
    {
        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
        };
        // ASP.NET's defaults are loopback (127.0.0.0/8 and ::1); a configured list replaces them.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        IEnumerable<IPNetwork> trusted = options.TrustedProxies.Count > 0
            ? options.TrustedProxies
            : [new IPNetwork(IPAddress.Loopback, 8), new IPNetwork(IPAddress.IPv6Loopback, 128)];
        foreach (var network in trusted)
        {
            forwarded.KnownIPNetworks.Add(network);
        }

        return forwarded;
    }
}
