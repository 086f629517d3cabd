using System.Net;
using System.Net.Sockets;

namespace Imprint.Tests.Support;

/// <summary>Two connected TCP streams on 127.0.0.1: a real transport for framing tests.</summary>
internal sealed class LoopbackPair : IAsyncDisposable
{
    private LoopbackPair(TcpClient a, TcpClient b)
    {
        ClientSocket = a;
        ServerSocket = b;
        Client = a.GetStream();
        Server = b.GetStream();
    }

    public TcpClient ClientSocket { get; }

    public TcpClient ServerSocket { get; }

    public NetworkStream Client { get; }

    public NetworkStream Server { get; }

    public static async Task<LoopbackPair> CreateAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var client = new TcpClient { NoDelay = true };
            var accept = listener.AcceptTcpClientAsync();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            var server = await accept;
            server.NoDelay = true;
            return new LoopbackPair(client, server);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Reads exactly what the peer sent so far, waiting for at least <paramref name="count"/> bytes.</summary>
    public static async Task<string> ReadAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await stream.ReadExactlyAsync(buffer, cts.Token);
        return System.Text.Encoding.Latin1.GetString(buffer);
    }

    public static Task WriteAsync(NetworkStream stream, string text) =>
        stream.WriteAsync(System.Text.Encoding.Latin1.GetBytes(text)).AsTask();

    public ValueTask DisposeAsync()
    {
        ClientSocket.Dispose();
        ServerSocket.Dispose();
        return ValueTask.CompletedTask;
    }
}
