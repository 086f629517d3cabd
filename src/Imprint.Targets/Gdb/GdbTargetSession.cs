using Imprint.Devices;
using Imprint.Targets.Gdb.Internal;

namespace Imprint.Targets.Gdb;

/// <summary>
/// A target session over the GDB Remote Serial Protocol (<c>gdb://HOST:PORT</c>): OpenOCD,
/// pyOCD, SEGGER J-Link GDB Server, Black Magic Probe, probe-rs, QEMU and Imprint's own
/// virtual microcontroller.
/// </summary>
/// <remarks>
/// <para>
/// Flash is written with <c>vFlashErase</c>/<c>vFlashWrite</c>/<c>vFlashDone</c> where the
/// server's memory map marks it as flash, and with plain memory writes otherwise (QEMU);
/// verification uses <c>qCRC</c> when the server offers it and reads back otherwise.
/// Every request has a timeout; after a dropped connection or a timeout the failing call
/// throws a transient <see cref="TargetException"/> and the next call reconnects.
/// See <c>docs/gdb-rsp.md</c> for the packets used and the server quirks handled.
/// </para>
/// <para>Not thread-safe: one operation at a time.</para>
/// </remarks>
public sealed partial class GdbTargetSession : ITargetSession
{
    private static readonly string[] DefaultResetCommands = ["reset halt", "system_reset"];

    private readonly string _host;
    private readonly int _port;
    private readonly Device _device;
    private readonly GdbSessionOptions _options;
    private readonly RangeSet _erased = new();
    private GdbClient? _client;
    private RegisterMap _registers = RegisterMap.DefaultArm;
    private MemoryMap? _memoryMap;
    private bool? _binaryWrites;
    private bool _useVCont;
    private bool _serverCrc;
    private bool _running;
    private int _packetSize;
    private string? _resetCommand;
    private bool _disposed;

    private GdbTargetSession(string host, int port, Device device, GdbSessionOptions options)
    {
        _host = host;
        _port = port;
        _device = device;
        _options = options;
        _resetCommand = options.ResetCommand;
        Info = new TargetInfo(BuildUrl(host, port), device, false, false, 0);
    }

    /// <inheritdoc/>
    public TargetInfo Info { get; private set; }

    /// <summary>Gets how many times the session reconnected after losing its connection.</summary>
    public int ReconnectCount { get; private set; }

    /// <summary>Gets a value indicating whether the core is running (resumed and not yet stopped).</summary>
    public bool IsRunning => _running;

    private int MaxBody => _packetSize - 2;

    private bool IsCortexM => _device.Core.StartsWith("Cortex-M", StringComparison.OrdinalIgnoreCase) || _device.Core.Length == 0;

    /// <summary>
    /// Connects to the debug server at <paramref name="host"/>:<paramref name="port"/>,
    /// negotiates features and reads the register description and memory map.
    /// </summary>
    /// <param name="host">The server's host name or address.</param>
    /// <param name="port">The server's TCP port.</param>
    /// <param name="device">The part behind the server.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected session; the core is halted as the server left it on attach.</returns>
    /// <exception cref="TargetException">The server cannot be reached or breaks the protocol.</exception>
    public static async Task<GdbTargetSession> ConnectAsync(string host, int port, Device device, GdbSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentNullException.ThrowIfNull(device);
        var session = new GdbTargetSession(host, port, device, options ?? new GdbSessionOptions());
        session._client = await session.HandshakeAsync(cancellationToken).ConfigureAwait(false);
        return session;
    }

    /// <inheritdoc/>
    public async Task HaltAsync(CancellationToken cancellationToken = default)
    {
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await client.QueryHaltReasonAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Runs the reset monitor command (<see cref="GdbSessionOptions.ResetCommand"/>), which leaves
    /// the core halted; when <paramref name="halt"/> is <see langword="false"/> the core is then resumed.
    /// </remarks>
    public async Task ResetAsync(bool halt, CancellationToken cancellationToken = default)
    {
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (_resetCommand is not null)
        {
            string output = await client.MonitorAsync(_resetCommand, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false);
            if (IsUnknownCommand(output))
            {
                throw new TargetException($"The debug server at {client.Endpoint} does not know the reset command '{_resetCommand}': {output.Trim()}");
            }
        }
        else
        {
            foreach (string candidate in DefaultResetCommands)
            {
                string output = await client.MonitorAsync(candidate, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false);
                if (!IsUnknownCommand(output))
                {
                    _resetCommand = candidate;
                    break;
                }
            }

            if (_resetCommand is null)
            {
                throw new TargetException($"The debug server at {client.Endpoint} knows neither 'reset halt' nor 'system_reset'; set GdbSessionOptions.ResetCommand.");
            }
        }

        _erased.Clear();
        if (!halt)
        {
            await client.ContinueAsync(_useVCont, cancellationToken).ConfigureAwait(false);
            _running = true;
        }
    }

    /// <inheritdoc/>
    public async Task<string> MonitorAsync(string command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var client = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await client.MonitorAsync(command, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        var client = _client;
        _client = null;
        if (client is null) return;
        if (!client.IsBroken && !_running && _options.DetachOnDispose)
        {
            try
            {
                client.RequestTimeout = TimeSpan.FromSeconds(Math.Min(1, _options.RequestTimeout.TotalSeconds));
                await client.DetachAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (TargetException)
            {
                // The server may close the connection on detach without answering.
            }
        }

        await client.DisposeAsync().ConfigureAwait(false);
    }

    private static Uri BuildUrl(string host, int port) =>
        new($"gdb://{(host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host)}:{port}");

    private static bool IsUnknownCommand(string output) =>
        output.Contains("unknown command", StringComparison.OrdinalIgnoreCase) ||
        output.Contains("invalid command", StringComparison.OrdinalIgnoreCase);

    // Returns a connected client with the core halted, reconnecting after a dropped connection.
    private async Task<GdbClient> ReadyAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var client = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        if (_running)
        {
            await client.InterruptAsync(cancellationToken).ConfigureAwait(false);
            var stop = await client.WaitForStopAsync(_options.RequestTimeout, new System.Text.StringBuilder(), "halting the target", null, cancellationToken).ConfigureAwait(false);
            if (stop is null)
            {
                client.Invalidate();
                throw new TargetException($"The target behind {client.Endpoint} did not halt within {GdbClient.Seconds(_options.RequestTimeout)} s of an interrupt.", isTransient: true);
            }

            _running = false;
        }

        return client;
    }

    private async Task<GdbClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsBroken: false } live) return live;
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
            _client = null;
        }

        for (int attempt = 1; ; attempt++)
        {
            try
            {
                _client = await HandshakeAsync(cancellationToken).ConfigureAwait(false);
                ReconnectCount++;
                return _client;
            }
            catch (TargetException ex) when (ex.IsTransient && attempt < _options.ReconnectAttempts)
            {
                await Task.Delay(_options.ReconnectDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<GdbClient> HandshakeAsync(CancellationToken cancellationToken)
    {
        var client = await GdbClient.ConnectAsync(_host, _port, _options.TimeProvider, _options.ConnectTimeout, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            // Say something at once: OpenOCD drops a client that is silent for a second.
            await client.GreetAsync(cancellationToken).ConfigureAwait(false);
            var (features, _) = await client.QuerySupportedAsync(cancellationToken).ConfigureAwait(false);
            _packetSize = Math.Clamp(features.PacketSize ?? _options.FallbackPacketSize, 64, _options.MaxPacketSize);
            if (_options.UseNoAckMode && features.Supports("QStartNoAckMode"))
            {
                await client.StartNoAckModeAsync(cancellationToken).ConfigureAwait(false);
            }

            int xferChunk = MaxBody - 4;
            _registers = RegisterMap.DefaultArm;
            if (features.Supports("qXfer:features:read"))
            {
                string? xml = await client.ReadXferAsync("features", "target.xml", xferChunk, cancellationToken).ConfigureAwait(false);
                if (xml is not null)
                {
                    _registers = await ParseServerXmlAsync(
                        client,
                        "register description (target.xml)",
                        () => RegisterMap.ParseAsync(
                            xml,
                            async (annex, ct) => await client.ReadXferAsync("features", annex, xferChunk, ct).ConfigureAwait(false)
                                ?? throw new InvalidDataException($"the server has no '{annex}' that target.xml includes"),
                            cancellationToken)).ConfigureAwait(false);
                }
            }

            _memoryMap = null;
            if (features.Supports("qXfer:memory-map:read"))
            {
                string? xml = await client.ReadXferAsync("memory-map", "", xferChunk, cancellationToken).ConfigureAwait(false);
                if (xml is not null) _memoryMap = await ParseServerXmlAsync(client, "memory map", () => Task.FromResult(MemoryMap.Parse(xml))).ConfigureAwait(false);
            }

            _useVCont = await client.SupportsVContContinueAsync(cancellationToken).ConfigureAwait(false);
            await client.QueryHaltReasonAsync(cancellationToken).ConfigureAwait(false);
            _serverCrc = await ProbeCrcAsync(client, cancellationToken).ConfigureAwait(false);
            _binaryWrites = null;
            _running = false;
            _erased.Clear();
            Info = new TargetInfo(BuildUrl(_host, _port), _device, _memoryMap?.HasFlash == true, _serverCrc, _packetSize);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<T> ParseServerXmlAsync<T>(GdbClient client, string what, Func<Task<T>> parse)
    {
        try
        {
            return await parse().ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new TargetException($"The debug server at {client.Endpoint} sent an unusable {what}: {ex.Message.TrimEnd('.')}.", innerException: ex);
        }
    }

    private async Task<bool> ProbeCrcAsync(GdbClient client, CancellationToken cancellationToken)
    {
        ulong probe = _device.FlashRegions.FirstOrDefault()?.Start ?? _device.Memory.FirstOrDefault()?.Start ?? 0;
        try
        {
            return await client.CrcAsync(probe, 4, _options.LongRequestTimeout, cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (TargetException ex) when (!ex.IsTransient)
        {
            // An error reply means the packet is known; the range may just be unreadable now.
            return true;
        }
    }
}
