using System.Collections.Concurrent;
using Imprint.Images;
using Imprint.Projects;
using Imprint.Station.Cloud;
using Imprint.Station.Execution;
using Imprint.Station.Identity;
using Imprint.Station.Images;
using Imprint.Station.Internal;
using Imprint.Station.Keys;
using Imprint.Station.Records;
using Imprint.Station.State;
using Imprint.Targets;

namespace Imprint.Station;

/// <summary>
/// A programming station: its folder (identity, keystore, image store, database) held
/// exclusively by this process, and the executor that programs units one at a time.
/// </summary>
/// <remarks>
/// Opening a station resolves units a killed process left open (see <see cref="Recovered"/>).
/// Only one process may hold a station folder open; readers of the log and counters may use
/// <see cref="StationState"/> directly meanwhile.
/// </remarks>
public sealed class Station : IAsyncDisposable
{
    private readonly StationLock _lock;
    private readonly StationOptions _options;
    private readonly UnitProgrammer _programmer;
    private readonly SemaphoreSlim _unitGate = new(1, 1);
    private readonly ConcurrentDictionary<string, (uint FileCrc, StationImage Image)> _opened = new(StringComparer.Ordinal);
    private readonly HttpClient _cloudHttp;
    private readonly bool _ownsCloudHttp;

    private Station(StationOptions options, StationDirectory directory, StationLock stationLock, StationState state, StationIdentity identity, IReadOnlyList<ProgrammingRecord> recovered, CloudSettings? cloud)
    {
        _ownsCloudHttp = options.CloudHttp is null;
        _cloudHttp = options.CloudHttp ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        _options = options;
        _lock = stationLock;
        Directory = directory;
        State = state;
        Identity = identity;
        Recovered = recovered;
        Keys = new KeyStore(directory);
        Images = new ImageStore(directory, state, Keys, options.Time);
        _programmer = new UnitProgrammer(state, identity.Id, options.Time, options.Power);
        if (cloud is not null) Cloud = Link(cloud);
    }

    /// <summary>Gets the link to the cloud, or <see langword="null"/> when the station was never provisioned.</summary>
    public CloudLink? Cloud { get; private set; }

    /// <summary>Gets the station folder.</summary>
    public StationDirectory Directory { get; }

    /// <summary>Gets the database (counters, serial pools, log).</summary>
    public StationState State { get; }

    /// <summary>Gets the station's identity.</summary>
    public StationIdentity Identity { get; }

    /// <summary>Gets the keystore.</summary>
    public KeyStore Keys { get; }

    /// <summary>Gets the image store.</summary>
    public ImageStore Images { get; }

    /// <summary>Gets the records written on opening for units a previous process left unfinished.</summary>
    public IReadOnlyList<ProgrammingRecord> Recovered { get; }

    /// <summary>Gets a value indicating whether images by any signer are accepted.</summary>
    public bool TrustsAnySigner => _options.TrustAnySigner;

    /// <summary>Opens (creating on first use) the station folder named by <paramref name="options"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The station.</returns>
    /// <exception cref="StationException">The folder is in use by another process, or its files are damaged.</exception>
    public static async Task<Station> OpenAsync(StationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = new StationDirectory(options.Directory);
        var stationLock = StationLock.Acquire(directory);
        try
        {
            var state = StationState.Open(directory);
            var identity = await StationIdentity.LoadOrCreateAsync(directory, options.Time, cancellationToken);
            var recovered = await state.RecoverAsync(identity.Id, options.Time, cancellationToken);
            var cloud = await CloudSettings.LoadAsync(directory, cancellationToken);
            var station = new Station(options, directory, stationLock, state, identity, recovered, cloud);

            // Records a previous run could not upload go out now if the cloud is reachable.
            if (station.Cloud is { } link) await link.TryUploadPendingAsync(cancellationToken);
            return station;
        }
        catch
        {
            stationLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Registers the station's public key with a cloud using a one-time provisioning token, and
    /// stores the cloud settings in the station folder; from then on the station can program
    /// cloud-connected (JOB) images of that account.
    /// </summary>
    /// <param name="cloudUrl">The cloud's base URL.</param>
    /// <param name="token">The provisioning token an owner created for a factory.</param>
    /// <param name="name">The name the station shows in the cloud, or <see langword="null"/> for its local id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored settings.</returns>
    /// <exception cref="Imprint.Sdk.Cloud.CloudApiException">The cloud refused the token.</exception>
    public async Task<CloudSettings> ProvisionAsync(Uri cloudUrl, string token, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cloudUrl);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var registration = await Imprint.Sdk.Cloud.StationCloudClient.RegisterAsync(_cloudHttp, cloudUrl, token, Identity.Key, name ?? Identity.Id, SoftwareVersion, _options.Time, cancellationToken);
        var settings = new CloudSettings(
            cloudUrl.ToString(), registration.StationId, registration.AccountId, registration.FactoryId, registration.CloudKeyId, registration.CloudPublicKey);
        await settings.SaveAsync(Directory, cancellationToken);
        Cloud?.Dispose();
        Cloud = Link(settings);
        return settings;
    }

    /// <summary>
    /// Opens a held image for programming: checks its signer is trusted and its key held, then
    /// verifies and decrypts it. Opened images are kept in memory until the file changes.
    /// </summary>
    /// <param name="imageId">The image id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The opened image.</returns>
    /// <exception cref="StationException">The image is not held, its signer is not trusted, or its key is not held.</exception>
    /// <exception cref="ImageException">The stored file is damaged or was modified.</exception>
    public async Task<StationImage> OpenImageAsync(string imageId, CancellationToken cancellationToken = default)
    {
        var stored = await Images.FindAsync(imageId, cancellationToken)
            ?? throw new StationException($"the station holds no image {imageId}.");
        var label = stored.Name is null ? $"image {stored.ImageId}" : $"image {stored.Name} ({stored.ImageId})";

        // Checked on every unit, not only on first open: a key deleted since makes the image unusable now.
        if (!_options.TrustAnySigner && !Keys.Trusts(stored.Signer))
        {
            throw new StationException(
                $"{label} is signed by key {stored.Signer}, which this station does not trust; add the signer's public key to the station's keys, or allow any signer explicitly (--trust-any-signer).");
        }

        if (stored.KeyId is { } keyId && !Keys.HoldsEncryptionKey(keyId))
        {
            throw new StationException($"{label} is encrypted with key {keyId}, which this station does not hold; add the key to the station's keys.");
        }

        if (_opened.TryGetValue(imageId, out var cached) && cached.FileCrc == stored.FileCrc) return cached.Image;

        var opened = await ImageReader.OpenAsync(stored.File, Keys, _options.TrustAnySigner ? null : Keys.TrustedSigners(), cancellationToken);
        var sections = opened.Sections
            .Where(s => s.Kind != SectionKind.Firmware)
            .ToDictionary(s => s.Name, s => s.Data, StringComparer.Ordinal);
        var image = new StationImage(stored.ImageId, opened.Crc32, opened.Spec, opened.Firmware, sections, opened.SignerPublicKey.Fingerprint);
        _opened[imageId] = (stored.FileCrc, image);
        return image;
    }

    /// <summary>Programs one unit with a held image on an open target session.</summary>
    /// <param name="imageId">The image id.</param>
    /// <param name="target">The target session (the caller keeps ownership).</param>
    /// <param name="dynamicData">Bytes for the image's dynamic slots, by slot name.</param>
    /// <param name="progress">Receives per-step progress.</param>
    /// <param name="cancellationToken">Cancels the unit (it is then recorded as failed).</param>
    /// <returns>The unit's durable record.</returns>
    /// <exception cref="UnitRefusedException">The unit was refused before the target was touched.</exception>
    /// <exception cref="StationException">The image cannot be used, or another unit is in progress.</exception>
    public async Task<ProgrammingRecord> ProgramAsync(
        string imageId,
        ITargetSession target,
        IReadOnlyDictionary<string, byte[]>? dynamicData = null,
        IProgress<UnitProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var image = await OpenImageAsync(imageId, cancellationToken);
        return await RunExclusiveAsync(() => ProgramUnitAsync(image, target, dynamicData, progress, cancellationToken));
    }

    /// <summary>Programs one unit with a held image on the target at <paramref name="target"/>, connecting and disconnecting around it.</summary>
    /// <param name="imageId">The image id.</param>
    /// <param name="target">The target URL.</param>
    /// <param name="dynamicData">Bytes for the image's dynamic slots, by slot name.</param>
    /// <param name="progress">Receives per-step progress.</param>
    /// <param name="cancellationToken">Cancels the unit (it is then recorded as failed).</param>
    /// <returns>The unit's durable record.</returns>
    /// <exception cref="UnitRefusedException">The unit was refused before the target was touched.</exception>
    /// <exception cref="TargetException">The target cannot be reached (no unit was started).</exception>
    public async Task<ProgrammingRecord> ProgramAsync(
        string imageId,
        Uri target,
        IReadOnlyDictionary<string, byte[]>? dynamicData = null,
        IProgress<UnitProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var opener = _options.OpenTarget ?? throw new InvalidOperationException("StationOptions.OpenTarget is not set.");
        var image = await OpenImageAsync(imageId, cancellationToken);
        return await RunExclusiveAsync(async () =>
        {
            await using var session = await opener(target, image.Spec.Device, cancellationToken);
            return await ProgramUnitAsync(image, session, dynamicData, progress, cancellationToken);
        });
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Cloud?.Dispose();
        Identity.Dispose();
        if (_ownsCloudHttp) _cloudHttp.Dispose();
        _unitGate.Dispose();
        _lock.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string? SoftwareVersion => typeof(Station).Assembly.GetName().Version?.ToString(3);

    private CloudLink Link(CloudSettings settings)
    {
        var client = new Imprint.Sdk.Cloud.StationCloudClient(_cloudHttp, new Uri(settings.CloudUrl), settings.StationId, Identity.Key, _options.Time);
        var images = new ImageSync(client, Images, Keys, Directory, _options.TrustAnySigner, SoftwareVersion, _options.Time);
        return new CloudLink(settings, client, State, images, _options.Time);
    }

    private async Task<ProgrammingRecord> ProgramUnitAsync(
        StationImage image, ITargetSession target, IReadOnlyDictionary<string, byte[]>? dynamicData, IProgress<UnitProgress>? progress, CancellationToken cancellationToken)
    {
        if (image.Spec.Type != ImageType.Job)
        {
            return await _programmer.ProgramAsync(image, target, dynamicData, progress, cancellationToken);
        }

        var link = Cloud ?? throw new UnitRefusedException(
            $"image {image.Name} is a cloud-connected (JOB) image, but station {Identity.Id} is not provisioned with a cloud; run imprint station provision first.");

        // Checked before asking the cloud, so a unit the station would refuse anyway reserves nothing there.
        UnitPreflight.Check(image, target.Info, dynamicData ?? new Dictionary<string, byte[]>(), cloudGranted: true);
        await link.TryUploadPendingAsync(cancellationToken);
        var unit = await link.RequestUnitAsync(image, cancellationToken);
        var record = await _programmer.ProgramAsync(image, target, dynamicData, progress, unit, cancellationToken);
        await link.TryUploadPendingAsync(CancellationToken.None);
        return record;
    }

    private async Task<ProgrammingRecord> RunExclusiveAsync(Func<Task<ProgrammingRecord>> unit)
    {
        if (!await _unitGate.WaitAsync(0))
        {
            throw new StationException($"station {Identity.Id} is programming a unit already; one unit runs at a time.");
        }

        try
        {
            return await unit();
        }
        finally
        {
            _unitGate.Release();
        }
    }
}
