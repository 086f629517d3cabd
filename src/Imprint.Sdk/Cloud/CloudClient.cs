using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Imprint.Sdk.Cloud;

/// <summary>
/// A client for the cloud's owner API (<c>/api/v1</c>), authenticated by a credentials file.
/// Every method throws <see cref="CloudApiException"/> with the server's one-sentence reason when
/// the cloud refuses a request.
/// </summary>
public sealed class CloudClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _baseUri;

    /// <summary>Initializes a new instance of the <see cref="CloudClient"/> class on a caller-owned <see cref="HttpClient"/>.</summary>
    /// <param name="http">The HTTP client; not disposed by this instance.</param>
    /// <param name="credentials">The credentials (their <see cref="CloudCredentials.CloudUrl"/> is the base URL).</param>
    public CloudClient(HttpClient http, CloudCredentials credentials)
        : this(http, credentials, ownsHttp: false)
    {
    }

    private CloudClient(HttpClient http, CloudCredentials credentials, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credentials);
        _http = http;
        _ownsHttp = ownsHttp;
        Credentials = credentials;
        _baseUri = new Uri(credentials.CloudUrl.TrimEnd('/') + "/", UriKind.Absolute);
    }

    /// <summary>Gets the credentials this client uses.</summary>
    public CloudCredentials Credentials { get; }

    /// <summary>Creates a client with its own <see cref="HttpClient"/>.</summary>
    /// <param name="credentials">The credentials.</param>
    /// <returns>The client; dispose it when done.</returns>
    public static CloudClient Create(CloudCredentials credentials) => new(new HttpClient { Timeout = TimeSpan.FromSeconds(100) }, credentials, ownsHttp: true);

    /// <summary>Returns the caller's account, user and role.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Who the credential belongs to.</returns>
    public Task<WhoAmI> WhoAmIAsync(CancellationToken cancellationToken = default) => GetAsync<WhoAmI>("api/v1/me", cancellationToken);

    /// <summary>Lists the account's users.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The users.</returns>
    public Task<IReadOnlyList<UserView>> ListUsersAsync(CancellationToken cancellationToken = default) => GetAsync<IReadOnlyList<UserView>>("api/v1/users", cancellationToken);

    /// <summary>Creates a user (owner only).</summary>
    /// <param name="request">The name and role.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The user.</returns>
    public Task<UserView> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default) => SendAsync<UserView>(HttpMethod.Post, "api/v1/users", request, cancellationToken);

    /// <summary>Lists the account's credentials (never their secrets).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The credentials.</returns>
    public Task<IReadOnlyList<CredentialView>> ListCredentialsAsync(CancellationToken cancellationToken = default) => GetAsync<IReadOnlyList<CredentialView>>("api/v1/credentials", cancellationToken);

    /// <summary>Creates a credential (owner only) and returns its credentials file; the secret is not shown again.</summary>
    /// <param name="request">The label and user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new credentials.</returns>
    public Task<CloudCredentials> CreateCredentialAsync(CreateCredentialRequest request, CancellationToken cancellationToken = default) => SendAsync<CloudCredentials>(HttpMethod.Post, "api/v1/credentials", request, cancellationToken);

    /// <summary>Revokes a credential (owner only); requests made with it are refused from then on.</summary>
    /// <param name="id">The credential id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The revoked credential.</returns>
    public Task<CredentialView> RevokeCredentialAsync(string id, CancellationToken cancellationToken = default) => SendAsync<CredentialView>(HttpMethod.Post, $"api/v1/credentials/{Escape(id)}/revoke", null, cancellationToken);

    /// <summary>Lists the account's factories.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The factories.</returns>
    public Task<IReadOnlyList<FactoryView>> ListFactoriesAsync(CancellationToken cancellationToken = default) => GetAsync<IReadOnlyList<FactoryView>>("api/v1/factories", cancellationToken);

    /// <summary>Creates a factory.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The factory.</returns>
    public Task<FactoryView> CreateFactoryAsync(string name, CancellationToken cancellationToken = default) => SendAsync<FactoryView>(HttpMethod.Post, "api/v1/factories", new FactoryNameRequest(name), cancellationToken);

    /// <summary>Renames a factory.</summary>
    /// <param name="id">The factory id.</param>
    /// <param name="name">The new name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The factory.</returns>
    public Task<FactoryView> RenameFactoryAsync(string id, string name, CancellationToken cancellationToken = default) => SendAsync<FactoryView>(HttpMethod.Put, $"api/v1/factories/{Escape(id)}", new FactoryNameRequest(name), cancellationToken);

    /// <summary>Deletes a factory; refused while it holds jobs or stations.</summary>
    /// <param name="id">The factory id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when it is deleted.</returns>
    public Task DeleteFactoryAsync(string id, CancellationToken cancellationToken = default) => SendAsync(HttpMethod.Delete, $"api/v1/factories/{Escape(id)}", null, cancellationToken);

    /// <summary>Creates a one-time provisioning token for a factory.</summary>
    /// <param name="factoryId">The factory.</param>
    /// <param name="request">Group and lifetime.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token.</returns>
    public Task<ProvisioningToken> CreateProvisioningTokenAsync(string factoryId, ProvisioningTokenRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ProvisioningToken>(HttpMethod.Post, $"api/v1/factories/{Escape(factoryId)}/provisioning-tokens", request, cancellationToken);

    /// <summary>Lists stations, optionally of one factory.</summary>
    /// <param name="factoryId">The factory, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stations.</returns>
    public Task<IReadOnlyList<StationView>> ListStationsAsync(string? factoryId = null, CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<StationView>>("api/v1/stations" + Query(("factoryId", factoryId)), cancellationToken);

    /// <summary>Returns one station.</summary>
    /// <param name="id">The station id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The station.</returns>
    public Task<StationView> GetStationAsync(string id, CancellationToken cancellationToken = default) => GetAsync<StationView>($"api/v1/stations/{Escape(id)}", cancellationToken);

    /// <summary>Deprovisions a station: every later request of it is refused.</summary>
    /// <param name="id">The station id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The station.</returns>
    public Task<StationView> DeprovisionStationAsync(string id, CancellationToken cancellationToken = default) => SendAsync<StationView>(HttpMethod.Post, $"api/v1/stations/{Escape(id)}/deprovision", null, cancellationToken);

    /// <summary>Moves a station to another factory (it loses its job authorizations in the old one).</summary>
    /// <param name="id">The station id.</param>
    /// <param name="factoryId">The new factory.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The station.</returns>
    public Task<StationView> ReassignStationAsync(string id, string factoryId, CancellationToken cancellationToken = default) =>
        SendAsync<StationView>(HttpMethod.Post, $"api/v1/stations/{Escape(id)}/reassign", new ReassignStationRequest(factoryId), cancellationToken);

    /// <summary>Returns per-station utilization over a time range.</summary>
    /// <param name="from">The start.</param>
    /// <param name="to">The end.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One row per station of the account.</returns>
    public Task<IReadOnlyList<StationUtilization>> GetUtilizationAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<StationUtilization>>("api/v1/stations/utilization" + Query(("from", Time(from)), ("to", Time(to))), cancellationToken);

    /// <summary>Registers a job from an image's metadata.</summary>
    /// <param name="request">The metadata.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job.</returns>
    public Task<JobView> RegisterJobAsync(RegisterJobRequest request, CancellationToken cancellationToken = default) => SendAsync<JobView>(HttpMethod.Post, "api/v1/jobs", request, cancellationToken);

    /// <summary>Lists jobs.</summary>
    /// <param name="factoryId">Only this factory's, or <see langword="null"/>.</param>
    /// <param name="includeDeleted">Whether deleted jobs are listed too.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The jobs.</returns>
    public Task<IReadOnlyList<JobView>> ListJobsAsync(string? factoryId = null, bool includeDeleted = false, CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<JobView>>("api/v1/jobs" + Query(("factoryId", factoryId), ("includeDeleted", includeDeleted ? "true" : null)), cancellationToken);

    /// <summary>Returns one job.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job.</returns>
    public Task<JobView> GetJobAsync(string id, CancellationToken cancellationToken = default) => GetAsync<JobView>($"api/v1/jobs/{Escape(id)}", cancellationToken);

    /// <summary>Applies a status action to a job: <c>pause</c>, <c>resume</c>, <c>disable</c>, <c>restart</c> or <c>delete</c>.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="action">The action.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job after the action.</returns>
    public Task<JobView> JobActionAsync(string id, string action, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Post, $"api/v1/jobs/{Escape(id)}/{Escape(action)}", null, cancellationToken);

    /// <summary>Replaces a job's image by a new revision.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="request">The new revision.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job.</returns>
    public Task<JobView> ReviseJobAsync(string id, JobRevisionRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Post, $"api/v1/jobs/{Escape(id)}/revisions", request, cancellationToken);

    /// <summary>Sets which stations may run a job.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="request">All stations of the factory, or a list.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job.</returns>
    public Task<JobView> SetJobStationsAsync(string id, JobStationsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Put, $"api/v1/jobs/{Escape(id)}/stations", request, cancellationToken);

    /// <summary>Replaces a job's restrictions.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="restrictions">The restrictions.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job.</returns>
    public Task<JobView> SetJobRestrictionsAsync(string id, JobRestrictions restrictions, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Put, $"api/v1/jobs/{Escape(id)}/restrictions", restrictions, cancellationToken);

    /// <summary>Uploads a job's encrypted image for delivery to its authorized stations.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="image">The image file's bytes.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job.</returns>
    public async Task<JobView> UploadJobImageAsync(string id, Stream image, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_baseUri, $"api/v1/jobs/{Escape(id)}/image"));
        request.Content = new StreamContent(image);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendRawAsync(request, cancellationToken).ConfigureAwait(false);
        return await CloudHttp.ReadAsync<JobView>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the account's serial pools.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The pools.</returns>
    public Task<IReadOnlyList<SerialPoolView>> ListSerialPoolsAsync(CancellationToken cancellationToken = default) => GetAsync<IReadOnlyList<SerialPoolView>>("api/v1/serial-pools", cancellationToken);

    /// <summary>Queries the log, newest first.</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="limit">The page size (1 to 1000).</param>
    /// <param name="cursor">The previous page's <see cref="RecordPage.NextCursor"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One page.</returns>
    public Task<RecordPage> QueryRecordsAsync(RecordFilter filter, int limit = 100, string? cursor = null, CancellationToken cancellationToken = default) =>
        GetAsync<RecordPage>("api/v1/records" + Query([.. FilterQuery(filter), ("limit", limit.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)]), cancellationToken);

    /// <summary>Exports every record that matches a filter, as CSV or JSON Lines.</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="format"><c>csv</c> or <c>jsonl</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The export's text.</returns>
    public async Task<string> ExportRecordsAsync(RecordFilter filter, string format, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUri, "api/v1/records/export" + Query([.. FilterQuery(filter), ("format", format)])));
        using var response = await SendRawAsync(request, cancellationToken).ConfigureAwait(false);
        await CloudHttp.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the audit trail, newest first.</summary>
    /// <param name="limit">How many entries.</param>
    /// <param name="before">Only entries with a smaller id (for paging).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The entries.</returns>
    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 100, long? before = null, CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<AuditEntry>>("api/v1/audit" + Query(("limit", limit.ToString(CultureInfo.InvariantCulture)), ("before", before?.ToString(CultureInfo.InvariantCulture))), cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUri, path));
        using var response = await SendRawAsync(request, cancellationToken).ConfigureAwait(false);
        return await CloudHttp.ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUri, path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: CloudJson.Options);
        }

        using var response = await SendRawAsync(request, cancellationToken).ConfigureAwait(false);
        return await CloudHttp.ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUri, path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: CloudJson.Options);
        }

        using var response = await SendRawAsync(request, cancellationToken).ConfigureAwait(false);
        await CloudHttp.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation("Authorization", Credentials.AuthorizationHeader);
        return _http.SendAsync(request, cancellationToken);
    }

    private static IEnumerable<(string, string?)> FilterQuery(RecordFilter filter) =>
    [
        ("jobId", filter.JobId),
        ("factoryId", filter.FactoryId),
        ("stationId", filter.StationId),
        ("result", filter.Result is { } r ? r.ToString().ToLowerInvariant() : null),
        ("serial", filter.Serial?.ToString(CultureInfo.InvariantCulture)),
        ("from", filter.From is { } f ? Time(f) : null),
        ("to", filter.To is { } t ? Time(t) : null),
    ];

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static string Query(params IEnumerable<(string Name, string? Value)> pairs)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(builder.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
    }
}
