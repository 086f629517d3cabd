using System.Net;
using System.Net.Sockets;
using Imprint.Targets.Gdb;
using Imprint.Targets.Virtual.Internal;

namespace Imprint.Targets.Virtual;

/// <summary>
/// A GDB Remote Serial Protocol server on 127.0.0.1 in front of a <see cref="VirtualMcu"/>,
/// with a memory map and <c>vFlash</c> support, so <c>gdb-multiarch</c> can <c>target remote</c>
/// it and <c>load</c> an ELF, and Imprint's own GDB client can program it as it programs OpenOCD.
/// </summary>
/// <remarks>
/// Clients are served one at a time, in the order they connect: a second client waits until
/// the first disconnects. Packets are listed in <c>docs/virtual-target.md</c>.
/// </remarks>
public sealed class VirtualGdbServer : IAsyncDisposable
{
    /// <summary>The largest packet the server accepts, in bytes, as announced in <c>qSupported</c>.</summary>
    public const int PacketSize = 0x4000;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private int _connections;
    private int _disposed;

    private VirtualGdbServer(VirtualMcu mcu, TcpListener listener)
    {
        Mcu = mcu;
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Url = new Uri($"gdb://127.0.0.1:{Port}");
        Completion = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Gets the simulated part behind the server.</summary>
    public VirtualMcu Mcu { get; }

    /// <summary>Gets the TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the target URL clients connect to: <c>gdb://127.0.0.1:PORT</c>.</summary>
    public Uri Url { get; }

    /// <summary>Gets the number of client connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <summary>Gets a task that completes when the server stops; it faults if serving hit a bug.</summary>
    public Task Completion { get; }

    /// <summary>Starts listening on 127.0.0.1.</summary>
    /// <param name="mcu">The part to serve.</param>
    /// <param name="port">The TCP port, or 0 to let the system pick a free one (see <see cref="Port"/>).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="TargetException">The port is in use or cannot be bound.</exception>
    public static VirtualGdbServer Start(VirtualMcu mcu, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(mcu);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new TargetException($"cannot listen on 127.0.0.1:{port}: {ex.Message}.", innerException: ex);
        }

        return new VirtualGdbServer(mcu, listener);
    }

    /// <summary>Stops listening, drops the current client and waits for the server to finish.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await Completion.ConfigureAwait(false);
        }
        finally
        {
            _listener.Dispose();
            _stopping.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException && ct.IsCancellationRequested)
            {
                return;
            }

            int number = Interlocked.Increment(ref _connections);
            using (socket)
            {
                socket.NoDelay = true;
                await ServeAsync(socket, number, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task ServeAsync(Socket socket, int number, CancellationToken ct)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (number == 1 && Mcu.Faults.DropConnectionAfterBytes is { } budget)
        {
            // A reset rather than an orderly close, as a cut cable looks to the client.
            socket.LingerState = new LingerOption(true, 0);
            stream = new DroppingStream(stream, budget);
        }

        // Lenient on input: a client that counts PacketSize before escaping is still served.
        await using var connection = new RspConnection(stream) { MaxReceiveLength = 2 * PacketSize };
        try
        {
            await new GdbStub(Mcu, connection, PacketSize).RunAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or InvalidDataException or SocketException or ObjectDisposedException
                                   or OperationCanceledException)
        {
            // The client went away, broke the protocol, or the server is stopping: serve the next one.
        }
    }
}
