using System.Collections.Concurrent;
using Imprint.Images;
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

    private Station(StationOptions options, StationDirectory directory, StationLock stationLock, StationState state, StationIdentity identity, IReadOnlyList<ProgrammingRecord> recovered)
    {
        _options = options;
        _lock = stationLock;
        Directory = directory;
        State = state;
        Identity = identity;
        Recovered = recovered;
        Keys = new KeyStore(directory);
        Images = new ImageStore(directory, state, Keys, options.Time);
        _programmer = new UnitProgrammer(state, identity.Id, options.Time, options.Power);
    }

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
            return new Station(options, directory, stationLock, state, identity, recovered);
        }
        catch
        {
            stationLock.Dispose();
            throw;
        }
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
        return await RunExclusiveAsync(() => _programmer.ProgramAsync(image, target, dynamicData, progress, cancellationToken));
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
            return await _programmer.ProgramAsync(image, session, dynamicData, progress, cancellationToken);
        });
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Identity.Dispose();
        _unitGate.Dispose();
        _lock.Dispose();
        return ValueTask.CompletedTask;
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
