namespace Imprint.Targets.Gdb;

/// <summary>
/// Packet framing for the GDB Remote Serial Protocol over any byte stream (TCP, a pipe):
/// reads and writes <c>$data#cs</c> frames, acknowledges them, retransmits on <c>-</c>,
/// and works for both ends of a connection (a client driving a debug server, and a server
/// such as the virtual microcontroller answering GDB).
/// </summary>
/// <remarks>
/// <para>
/// Acknowledgements are handled on the read side: <see cref="WritePacketAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
/// sends a frame and returns; the next <see cref="ReadPacketAsync"/> consumes the peer's
/// <c>+</c>, resends the last frame when the peer answers <c>-</c>, answers every received
/// frame with <c>+</c> (or <c>-</c> when its checksum is wrong, so the peer resends it), and
/// returns the next valid packet. Stray acknowledgements and noise between frames are skipped.
/// In no-ack mode (<see cref="AckMode"/> <see langword="false"/>) nothing is acknowledged and a
/// bad checksum is an error.
/// </para>
/// <para>
/// Several packets may be written before their replies are read (pipelining): in ack mode
/// the unacknowledged frames are kept in order, and a <c>-</c> resends the oldest, so after a
/// rejection the peer may process the resent packet after the ones that followed it.
/// </para>
/// <para>
/// A server may have one <see cref="ReadPacketAsync"/> pending (for example waiting for
/// the interrupt byte 0x03 while its target runs) while it writes a packet (the stop
/// reply): reads and writes are independent, and writes are serialized. At most one read
/// may be pending at a time. A read cancelled while waiting for bytes loses nothing: a frame
/// is consumed only once it is complete.
/// </para>
/// <para>
/// Peer protocol violations throw <see cref="InvalidDataException"/>; a closed stream throws
/// <see cref="EndOfStreamException"/>.
/// </para>
/// </remarks>
public sealed class RspConnection : IAsyncDisposable
{
    private const byte InterruptByte = 0x03;
    private static readonly byte[] Ack = [(byte)'+'];
    private static readonly byte[] Nak = [(byte)'-'];

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    // Frames sent and not yet acknowledged, oldest first: a peer acknowledges frames in the
    // order it parses them, so '+' settles the oldest and '-' asks for the oldest again.
    private readonly Queue<byte[]> _unacknowledged = new();
    private int _naks;
    private int _disposed;

    /// <summary>Initializes a new instance over <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable, writable byte stream (for example a <see cref="System.Net.Sockets.NetworkStream"/>).</param>
    /// <param name="leaveOpen">Whether disposing the connection leaves the stream open.</param>
    public RspConnection(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>
    /// Gets or sets a value indicating whether frames are acknowledged with <c>+</c>/<c>-</c>.
    /// Set it to <see langword="false"/> once both ends agreed on <c>QStartNoAckMode</c>.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool AckMode { get; set; } = true;

    /// <summary>Gets or sets how many times in a row a frame is resent after a <c>-</c> before giving up.</summary>
    /// <value>The default is 3.</value>
    public int MaxRetransmits { get; set; } = 3;

    /// <summary>Gets or sets the longest frame body accepted from the peer, in bytes.</summary>
    /// <value>The default is 1 MiB.</value>
    public int MaxReceiveLength { get; set; } = 1 << 20;

    /// <summary>
    /// Gets or sets a handler for <c>%</c> notifications. They are set aside, never returned by
    /// <see cref="ReadPacketAsync"/>; without a handler they are dropped.
    /// </summary>
    public Action<RspPacket>? NotificationReceived { get; set; }

    /// <summary>Gets the number of frames resent because the peer answered <c>-</c>.</summary>
    public int RetransmitCount { get; private set; }

    /// <summary>Gets the number of received frames rejected for a bad checksum.</summary>
    public int BadChecksumCount { get; private set; }

    /// <summary>Sends one packet. In ack mode the peer's <c>+</c> is consumed by the next read.</summary>
    /// <param name="payload">The logical payload; special bytes are escaped.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the frame is written.</returns>
    public Task WritePacketAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        WriteFrameAsync(RspPacket.Encode(payload.Span), cancellationToken);

    /// <summary>Sends one packet whose payload is Latin-1 text.</summary>
    /// <param name="payload">The logical payload.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the frame is written.</returns>
    public Task WritePacketAsync(string payload, CancellationToken cancellationToken = default) =>
        WriteFrameAsync(RspPacket.Encode(payload), cancellationToken);

    /// <summary>Sends a <c>%</c> notification (never acknowledged).</summary>
    /// <param name="payload">The logical payload (for example <c>Stop:T05</c>).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the frame is written.</returns>
    public Task WriteNotificationAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        WriteRawAsync(RspPacket.EncodeNotification(payload.Span), cancellationToken);

    /// <summary>Sends the interrupt byte 0x03 (Ctrl-C) that asks a running target to halt.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the byte is written.</returns>
    public Task WriteInterruptAsync(CancellationToken cancellationToken = default) =>
        WriteRawAsync(new byte[] { InterruptByte }, cancellationToken);

    /// <summary>
    /// Sends a lone <c>+</c>, as a client does right after connecting (it acknowledges any
    /// packet the server already sent, and shows the server the client is alive).
    /// </summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the byte is written.</returns>
    public Task WriteAckAsync(CancellationToken cancellationToken = default) => WriteRawAsync(Ack, cancellationToken);

    /// <summary>
    /// Reads the next packet or interrupt, acknowledging it in ack mode, and processes any
    /// acknowledgements and notifications that come before it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read (use it for timeouts).</param>
    /// <returns>A <see cref="RspPacketKind.Packet"/> or the <see cref="RspPacket.Interrupt"/> pseudo-packet.</returns>
    /// <exception cref="EndOfStreamException">The peer closed the connection.</exception>
    /// <exception cref="InvalidDataException">The peer sent a malformed frame, rejected a frame too often, or (in no-ack mode) a bad checksum.</exception>
    public async ValueTask<RspPacket> ReadPacketAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            while (_start < _end)
            {
                byte b = _buffer[_start];
                switch (b)
                {
                    case (byte)'+':
                        _start++;
                        _unacknowledged.TryDequeue(out _);
                        _naks = 0;
                        continue;
                    case (byte)'-':
                        _start++;
                        await ResendAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    case InterruptByte:
                        _start++;
                        return RspPacket.Interrupt;
                    case (byte)'$':
                    case (byte)'%':
                        var (complete, packet) = await TryTakeFrameAsync(cancellationToken).ConfigureAwait(false);
                        if (!complete) goto NeedMore;
                        if (packet is null) continue;
                        if (packet.Kind == RspPacketKind.Notification)
                        {
                            NotificationReceived?.Invoke(packet);
                            continue;
                        }

                        return packet;
                    default:
                        _start++; // noise between frames
                        continue;
                }
            }

        NeedMore:
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (!_leaveOpen) await _stream.DisposeAsync().ConfigureAwait(false);
        _writeLock.Dispose();
    }

    // Returns (false, null) with _start unchanged when the frame at _start is not complete yet,
    // (true, null) when a bad frame was consumed and dropped, (true, packet) for a good one.
    private async ValueTask<(bool Complete, RspPacket? Packet)> TryTakeFrameAsync(CancellationToken cancellationToken)
    {
        var rest = _buffer.AsSpan(_start + 1, _end - _start - 1);
        int hash = rest.IndexOfAny((byte)'#', (byte)'$');
        if (hash >= 0 && rest[hash] != '#')
        {
            // A new frame starts before this one ended: the earlier one was cut short. '$' never
            // occurs inside a body (escaped data and run counts avoid it).
            _start += 1 + hash;
            return (true, null);
        }

        if (hash < 0 || rest.Length - hash < 3)
        {
            if (_end - _start > MaxReceiveLength + 4)
            {
                throw new InvalidDataException($"The peer sent a packet longer than {MaxReceiveLength} bytes.");
            }

            return (false, null);
        }

        byte kind = _buffer[_start];
        var body = _buffer.AsSpan(_start + 1, hash);
        int csAt = _start + 1 + hash + 1;
        int hi = RspHex.Value(_buffer[csAt]), lo = RspHex.Value(_buffer[csAt + 1]);
        bool checksumOk = (hi | lo) >= 0 && RspPacket.Checksum(body) == (byte)((hi << 4) | lo);
        bool decoded = RspPacket.TryDecode(body, out byte[] payload);
        _start = csAt + 2;

        if (kind == '%')
        {
            // Notifications are never acknowledged; a damaged one is simply dropped.
            return (true, checksumOk && decoded ? RspPacket.Notification(payload) : null);
        }

        if (!checksumOk)
        {
            BadChecksumCount++;
            if (!AckMode) throw new InvalidDataException("The peer sent a packet with a bad checksum in no-ack mode.");
            await WriteRawAsync(Nak, cancellationToken).ConfigureAwait(false);
            return (true, null);
        }

        if (AckMode) await WriteRawAsync(Ack, cancellationToken).ConfigureAwait(false);
        if (!decoded) throw new InvalidDataException("The peer sent a packet with a malformed run-length or escape sequence.");
        return (true, RspPacket.FromPayload(payload));
    }

    private async ValueTask ResendAsync(CancellationToken cancellationToken)
    {
        if (!AckMode || !_unacknowledged.TryDequeue(out byte[]? frame)) return;
        if (++_naks > MaxRetransmits)
        {
            throw new InvalidDataException($"The peer rejected the same packet {_naks} times in a row.");
        }

        RetransmitCount++;
        _unacknowledged.Enqueue(frame);
        await WriteRawAsync(frame, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0 && _end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        int n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (n == 0) throw new EndOfStreamException("The peer closed the connection.");
        _end += n;
    }

    private async Task WriteFrameAsync(byte[] frame, CancellationToken cancellationToken)
    {
        if (AckMode)
        {
            // A peer that never acknowledges must not make this grow without bound.
            if (_unacknowledged.Count >= 256) _unacknowledged.Dequeue();
            _unacknowledged.Enqueue(frame);
        }

        await WriteRawAsync(frame, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteRawAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
