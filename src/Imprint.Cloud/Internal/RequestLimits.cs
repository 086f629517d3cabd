using Imprint.Cloud.Security;
using Microsoft.AspNetCore.Http.Features;

namespace Imprint.Cloud.Internal;

/// <summary>Marks an endpoint that accepts bodies up to <see cref="CloudOptions.MaxImageBytes"/> (image uploads).</summary>
internal sealed class LargeBodyMetadata;

/// <summary>
/// Caps request bodies: a declared Content-Length over the limit is refused at once (413, nothing
/// read); for chunked bodies the server's own limit is lowered so reading past it fails.
/// </summary>
internal static class RequestLimits
{
    public static IApplicationBuilder UseCloudRequestLimits(this IApplicationBuilder app, CloudOptions options) =>
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<LargeBodyMetadata>() is null ? options.MaxRequestBytes : options.MaxImageBytes;
            if (context.Request.ContentLength > limit)
            {
                await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Body too large",
                    $"The request body has {context.Request.ContentLength} bytes; this endpoint accepts at most {limit}.").ConfigureAwait(false);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            await next(context).ConfigureAwait(false);
        });
}
