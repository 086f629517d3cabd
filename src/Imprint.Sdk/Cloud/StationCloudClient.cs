using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Imprint.Sdk.Cloud;

/// <summary>
/// A station's client for the cloud's station API (<c>/station/v1</c>): every request is signed
/// with the station's ECDSA P-256 key (see <see cref="StationSignature"/>).
/// </summary>
public sealed class StationCloudClient
{
    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private readonly ECDsa _key;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="StationCloudClient"/> class.</summary>
    /// <param name="http">The HTTP client; not disposed by this instance.</param>
    /// <param name="cloudUrl">The cloud's base URL.</param>
    /// <param name="stationId">The station id from registration.</param>
    /// <param name="key">The station's private key; not disposed by this instance.</param>
    /// <param name="time">The clock used for timestamps; the default is the system clock.</param>
    public StationCloudClient(HttpClient http, Uri cloudUrl, string stationId, ECDsa key, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(cloudUrl);
        ArgumentNullException.ThrowIfNull(stationId);
        ArgumentNullException.ThrowIfNull(key);
        _http = http;
        _baseUri = BaseUri(cloudUrl);
        StationId = stationId;
        _key = key;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Gets the station id.</summary>
    public string StationId { get; }

    /// <summary>Registers a station's public key with a one-time provisioning token.</summary>
    /// <param name="http">The HTTP client.</param>
    /// <param name="cloudUrl">The cloud's base URL.</param>
    /// <param name="token">The provisioning token.</param>
    /// <param name="key">The station's key pair: the public half is registered, the private half signs the registration.</param>
    /// <param name="name">The station's name.</param>
    /// <param name="softwareVersion">The station's software version.</param>
    /// <param name="time">The clock for the signed timestamp (the cloud refuses one outside its allowed skew); the default is the system clock.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The station id, account, factory and the cloud's grant-signing public key.</returns>
    public static async Task<StationRegistration> RegisterAsync(
        HttpClient http, Uri cloudUrl, string token, ECDsa key, string name, string? softwareVersion, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(key);
        var body = new RegisterStationRequest(token, Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), name, softwareVersion);
        using var request = SignRegistration(cloudUrl, body, key, time);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await CloudHttp.ReadAsync<StationRegistration>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds a signed registration request: signed like every station request (see
    /// <see cref="StationSignature"/>) but without a station id, with the key whose public half the
    /// body registers, which proves the station holds the private key. Exposed so tests and tools
    /// can send exactly what a station sends.
    /// </summary>
    /// <param name="cloudUrl">The cloud's base URL.</param>
    /// <param name="registration">The registration body.</param>
    /// <param name="signingKey">The key that signs it; the cloud accepts only the private half of <see cref="RegisterStationRequest.PublicKey"/>.</param>
    /// <param name="time">The clock for the timestamp; the default is the system clock.</param>
    /// <returns>The request, ready to send.</returns>
    public static HttpRequestMessage SignRegistration(Uri cloudUrl, RegisterStationRequest registration, ECDsa signingKey, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(cloudUrl);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(signingKey);
        var body = JsonSerializer.SerializeToUtf8Bytes(registration, CloudJson.Options);
        return Signed(HttpMethod.Post, new Uri(BaseUri(cloudUrl), "station/v1/register"), body, null, signingKey, time ?? TimeProvider.System);
    }

    /// <summary>Reports the station alive with its software version and images; returns its jobs.</summary>
    /// <param name="request">The version and image list.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The station's factory and authorized jobs.</returns>
    public Task<StationSelf> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<StationSelf>(HttpMethod.Post, "station/v1/heartbeat", request, cancellationToken);

    /// <summary>Asks permission to program units of a job.</summary>
    /// <param name="request">The job (or image) and the number of units.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The signed grant.</returns>
    public Task<SignedGrant> RequestGrantAsync(GrantRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<SignedGrant>(HttpMethod.Post, "station/v1/grants", request, cancellationToken);

    /// <summary>Uploads programming results; safe to retry (idempotent by record id).</summary>
    /// <param name="records">The records.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many were new, duplicates, late.</returns>
    public Task<ResultsResponse> ReportResultsAsync(IReadOnlyList<ProgrammingRecord> records, CancellationToken cancellationToken = default) =>
        SendAsync<ResultsResponse>(HttpMethod.Post, "station/v1/results", new ResultsRequest(records), cancellationToken);

    /// <summary>Downloads a job's encrypted image.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the image is copied.</returns>
    public async Task DownloadImageAsync(string jobId, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var request = Sign(HttpMethod.Get, $"station/v1/jobs/{Uri.EscapeDataString(jobId)}/image", []);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await CloudHttp.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        await response.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds a signed request (exposed so tests and tools can send exactly what a station sends).</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativePath">The path relative to the cloud URL, for example <c>station/v1/grants</c>.</param>
    /// <param name="body">The JSON body bytes (empty for none).</param>
    /// <returns>The request, ready to send.</returns>
    public HttpRequestMessage Sign(HttpMethod method, string relativePath, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(body);
        return Signed(method, new Uri(_baseUri, relativePath), body, StationId, _key, _time);
    }

    private static Uri BaseUri(Uri cloudUrl) => new(cloudUrl.ToString().TrimEnd('/') + "/", UriKind.Absolute);

    private static HttpRequestMessage Signed(HttpMethod method, Uri uri, byte[] body, string? stationId, ECDsa key, TimeProvider time)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body.Length > 0 || method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var nonce = StationSignature.NewNonce();
        var canonical = StationSignature.CanonicalBytes(method.Method, uri.PathAndQuery, body, timestamp, nonce);
        if (stationId is not null)
        {
            request.Headers.Add(StationSignature.StationHeader, stationId);
        }

        request.Headers.Add(StationSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(StationSignature.NonceHeader, nonce);
        request.Headers.Add(StationSignature.SignatureHeader, StationSignature.Sign(key, canonical));
        return request;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), CloudJson.Options);
        using var request = Sign(method, path, bytes);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await CloudHttp.ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }
}
