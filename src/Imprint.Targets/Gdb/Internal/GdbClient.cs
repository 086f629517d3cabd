using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Imprint.Targets.Gdb.Internal;

/// <summary>
/// Request and reply over one <see cref="RspConnection"/>: every request has a timeout, and
/// transport failures, timeouts and malformed replies become <see cref="TargetException"/>s
/// that say what was being done. After any of them the client is <see cref="IsBroken"/>
/// (a late reply could pair with the wrong request) and the session reconnects.
/// </summary>
internal sealed partial class GdbClient : IAsyncDisposable
{
    private readonly IDisposable? _owner;
    private readonly TimeProvider _time;

    public GdbClient(Stream stream, string endpoint, TimeProvider time, TimeSpan requestTimeout, IDisposable? owner = null)
    {
        Connection = new RspConnection(stream);
        Endpoint = endpoint;
        _time = time;
        RequestTimeout = requestTimeout;
        _owner = owner;
    }

    /// <summary>Gets the framing layer.</summary>
    public RspConnection Connection { get; }

    /// <summary>Gets the server's address for messages (<c>host:port</c>).</summary>
    public string Endpoint { get; }

    /// <summary>Gets or sets the timeout of ordinary requests.</summary>
    public TimeSpan RequestTimeout { get; set; }

    /// <summary>Gets a value indicating whether the connection failed and must be replaced.</summary>
    public bool IsBroken { get; private set; }

    /// <summary>Opens a TCP connection to a debug server.</summary>
    public static async Task<GdbClient> ConnectAsync(string host, int port, TimeProvider time, TimeSpan connectTimeout, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        string endpoint = $"{host}:{port}";
        var tcp = new TcpClient { NoDelay = true };
        using var timeout = new CancellationTokenSource(connectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await tcp.ConnectAsync(host, port, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            tcp.Dispose();
            throw new TargetException($"Connecting to the debug server at {endpoint} timed out after {Seconds(connectTimeout)} s.", isTransient: true);
        }
        catch (SocketException ex)
        {
            tcp.Dispose();
            throw new TargetException($"Cannot connect to the debug server at {endpoint}: {ex.Message}.", isTransient: true, innerException: ex);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        return new GdbClient(tcp.GetStream(), endpoint, time, requestTimeout, tcp);
    }

    /// <summary>Sends a packet without waiting for a reply.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> payload, string operation, ulong? address, CancellationToken cancellationToken)
    {
        await GuardAsync(
            async ct =>
            {
                await Connection.WritePacketAsync(payload, ct).ConfigureAwait(false);
                return 0;
            },
            RequestTimeout,
            operation,
            address,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a lone <c>+</c>: the first thing a client says after connecting.</summary>
    public Task GreetAsync(CancellationToken cancellationToken) =>
        GuardAsync(
            async ct =>
            {
                await Connection.WriteAckAsync(ct).ConfigureAwait(false);
                return 0;
            },
            RequestTimeout,
            "greeting the server",
            null,
            cancellationToken);

    /// <summary>Sends the interrupt byte.</summary>
    public Task InterruptAsync(CancellationToken cancellationToken) =>
        GuardAsync(
            async ct =>
            {
                await Connection.WriteInterruptAsync(ct).ConfigureAwait(false);
                return 0;
            },
            RequestTimeout,
            "interrupting the target",
            null,
            cancellationToken);

    /// <summary>Reads the next packet.</summary>
    public Task<RspPacket> ReceiveAsync(TimeSpan timeout, string operation, ulong? address, CancellationToken cancellationToken) =>
        GuardAsync(ct => Connection.ReadPacketAsync(ct).AsTask(), timeout, operation, address, cancellationToken);

    /// <summary>Sends a packet and returns the reply (stray interrupts are ignored).</summary>
    public Task<RspPacket> RequestAsync(ReadOnlyMemory<byte> payload, string operation, ulong? address, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        GuardAsync(
            async ct =>
            {
                await Connection.WritePacketAsync(payload, ct).ConfigureAwait(false);
                while (true)
                {
                    var reply = await Connection.ReadPacketAsync(ct).ConfigureAwait(false);
                    if (reply.Kind == RspPacketKind.Packet) return reply;
                }
            },
            timeout ?? RequestTimeout,
            operation,
            address,
            cancellationToken);

    /// <summary>Sends a text packet and returns the reply text.</summary>
    public async Task<string> RequestAsync(string payload, string operation, ulong? address, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        (await RequestAsync(Encoding.Latin1.GetBytes(payload), operation, address, cancellationToken, timeout).ConfigureAwait(false)).Text;

    /// <summary>Marks the client broken so the session replaces it.</summary>
    public void Invalidate() => IsBroken = true;

    /// <summary>Returns whether <paramref name="reply"/> is an error (<c>E NN</c> or <c>E.text</c>).</summary>
    public static bool IsError(string reply) =>
        (reply.Length == 3 && reply[0] == 'E' && char.IsAsciiHexDigit(reply[1]) && char.IsAsciiHexDigit(reply[2])) ||
        reply.StartsWith("E.", StringComparison.Ordinal);

    /// <summary>Throws when <paramref name="reply"/> is an error reply.</summary>
    public void ThrowIfError(string reply, string operation, ulong? address)
    {
        if (IsError(reply)) throw ErrorReply(reply, operation, address);
    }

    /// <summary>Builds the exception for an error reply.</summary>
    public TargetException ErrorReply(string reply, string operation, ulong? address) =>
        new($"The debug server at {Endpoint} answered {reply} to {operation}.", isTransient: false, address: address);

    /// <summary>Builds the exception for a reply that makes no sense for the request.</summary>
    public TargetException Unexpected(string reply, string operation, ulong? address)
    {
        string shown = reply.Length > 40 ? reply[..40] + "…" : reply;
        return new TargetException($"The debug server at {Endpoint} sent an unexpected reply '{shown}' to {operation}.", isTransient: false, address: address);
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync().ConfigureAwait(false);
        _owner?.Dispose();
    }

    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    internal static string Hex(ulong value) => RspHex.FormatNumber(value);

    private async Task<T> GuardAsync<T>(Func<CancellationToken, Task<T>> action, TimeSpan timeout, string operation, ulong? address, CancellationToken cancellationToken)
    {
        if (IsBroken) throw new TargetException($"The connection to the debug server at {Endpoint} is broken; reconnect before {operation}.", isTransient: true, address: address);
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await action(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            IsBroken = true;
            throw new TargetException($"The debug server at {Endpoint} did not answer within {Seconds(timeout)} s while {operation}.", isTransient: true, address: address);
        }
        catch (OperationCanceledException)
        {
            IsBroken = true;
            throw;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            IsBroken = true;
            throw new TargetException($"The connection to the debug server at {Endpoint} was lost while {operation}.", isTransient: true, address: address, innerException: ex);
        }
        catch (InvalidDataException ex)
        {
            IsBroken = true;
            string detail = ex.Message.TrimEnd('.');
            detail = char.ToLowerInvariant(detail[0]) + detail[1..];
            throw new TargetException($"The debug server at {Endpoint} broke the protocol while {operation} ({detail}).", isTransient: true, address: address, innerException: ex);
        }
    }
}
