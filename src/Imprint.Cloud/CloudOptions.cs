using System.Net;
using Imprint.Cloud.Blobs;

namespace Imprint.Cloud;

/// <summary>How a cloud host is set up. <c>imprint cloud serve</c> fills it from its flags; tests set it directly.</summary>
public sealed class CloudOptions
{
    /// <summary>Gets or sets the database URL (<c>--db</c>); <see langword="null"/> for the SQLite file in <see cref="DataDirectory"/>.</summary>
    public string? Database { get; set; }

    /// <summary>Gets or sets the data folder.</summary>
    /// <value>The default is <c>$IMPRINT_HOME/cloud</c>.</value>
    public string DataDirectory { get; set; } = Imprint.IO.ImprintHome.Combine("cloud");

    /// <summary>Gets or sets the folder image blobs are stored in when <see cref="Blobs"/> is <see cref="BlobStorage.FileSystem"/> (<c>--blobs DIR</c>).</summary>
    /// <value>The default is <c>blobs</c> in <see cref="DataDirectory"/>.</value>
    public string? BlobDirectory { get; set; }

    /// <summary>Gets or sets where image blobs are stored: files in <see cref="BlobDirectory"/>, or the database (<c>--blobs db</c>).</summary>
    /// <value>The default is <see cref="BlobStorage.FileSystem"/>.</value>
    public BlobStorage Blobs { get; set; } = BlobStorage.FileSystem;

    /// <summary>
    /// Gets or sets whether the cloud runs behind a reverse proxy (<c>--behind-proxy</c>): the
    /// client address, scheme and host are then taken from <c>X-Forwarded-For</c>,
    /// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> of requests that come from a
    /// <see cref="TrustedProxies">trusted proxy</see>, so cookies are marked Secure behind an HTTPS
    /// proxy and links name the public host.
    /// </summary>
    public bool BehindProxy { get; set; }

    /// <summary>Gets the addresses or networks whose forwarded headers are applied when <see cref="BehindProxy"/> is set.</summary>
    /// <value>The default (empty) trusts loopback only: 127.0.0.0/8 and ::1.</value>
    public IList<IPNetwork> TrustedProxies { get; } = [];

    /// <summary>Gets or sets the URL written into credentials files and provisioning tokens; the default is the request's own base URL.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Gets or sets the clock; the default is the system clock.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets how long a station may start units under a grant.</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan GrantLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long after a grant's expiry its unreported units stay reserved (a unit started just before expiry must be able to finish and report).</summary>
    /// <value>The default is 10 minutes.</value>
    public TimeSpan ResultGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how far a station request's timestamp may be from the cloud's clock.</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how often the background sweeper reclaims expired reservations and old nonces; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the most units one grant may cover.</summary>
    public int MaxUnitsPerGrant { get; set; } = 1000;

    /// <summary>Gets or sets the most records one upload may carry.</summary>
    public int MaxRecordsPerUpload { get; set; } = 1000;

    /// <summary>Gets or sets the largest request body accepted, except image uploads.</summary>
    /// <value>The default is 4 MiB.</value>
    public long MaxRequestBytes { get; set; } = 4 << 20;

    /// <summary>Gets or sets the largest image upload accepted.</summary>
    /// <value>The default is 256 MiB.</value>
    public long MaxImageBytes { get; set; } = 256L << 20;

    internal string BlobRoot => BlobDirectory ?? Path.Combine(DataDirectory, "blobs");

    /// <summary>Where the database store stages uploads: a local folder of this instance.</summary>
    internal string StagingRoot => Path.Combine(DataDirectory, "staging");
}
