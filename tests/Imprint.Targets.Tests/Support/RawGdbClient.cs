using System.Net.Sockets;
using System.Text;

namespace Imprint.Tests.Support;

/// <summary>
/// A deliberately plain GDB client for server tests: it frames and checks packets itself,
/// byte by byte, so the server is tested against the protocol rather than against the
/// framing code it shares with Imprint's own client.
/// </summary>
internal sealed class RawGdbClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawGdbClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public bool AckMode { get; set; } = true;

    public static async Task<RawGdbClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawGdbClient(tcp);
    }

    /// <summary>Sends a packet (Latin-1 payload, escaped here) and returns the reply payload.</summary>
    public async Task<string> ExchangeAsync(string payload)
    {
        await SendAsync(payload);
        return await ReceiveAsync();
    }

    public async Task SendAsync(string payload)
    {
        var body = new List<byte>();
        foreach (byte b in Encoding.Latin1.GetBytes(payload))
        {
            if (b is (byte)'$' or (byte)'#' or (byte)'}' or (byte)'*')
            {
                body.Add((byte)'}');
                body.Add((byte)(b ^ 0x20));
            }
            else
            {
                body.Add(b);
            }
        }

        int sum = body.Sum(b => b) & 0xFF;
        var frame = new List<byte> { (byte)'$' };
        frame.AddRange(body);
        frame.AddRange(Encoding.ASCII.GetBytes($"#{sum:x2}"));
        await SendRawAsync([.. frame]);
        if (AckMode) (await ReadByteAsync()).ShouldBe((byte)'+', "the server acknowledges every good packet");
    }

    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads one reply packet, checks its checksum, acknowledges it, and removes escapes.</summary>
    public async Task<string> ReceiveAsync()
    {
        byte first = await ReadByteAsync();
        first.ShouldBe((byte)'$', $"a packet starts with '$', got 0x{first:X2}");
        var body = new List<byte>();
        for (byte b = await ReadByteAsync(); b != '#'; b = await ReadByteAsync()) body.Add(b);
        string cs = Encoding.ASCII.GetString([await ReadByteAsync(), await ReadByteAsync()]);
        cs.ShouldBe($"{body.Sum(b => b) & 0xFF:x2}");
        if (AckMode) await SendRawAsync("+"u8.ToArray());
        var payload = new List<byte>();
        for (int i = 0; i < body.Count; i++)
        {
            body[i].ShouldNotBe((byte)'*', "the server sends no run-length encoding");
            payload.Add(body[i] == '}' ? (byte)(body[++i] ^ 0x20) : body[i]);
        }

        return Encoding.Latin1.GetString([.. payload]);
    }

    /// <summary>Returns true when the server closes the connection within the timeout.</summary>
    public async Task<bool> IsClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var buffer = new byte[256];
            while (true)
            {
                if (await _stream.ReadAsync(buffer, cts.Token) == 0) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Returns true when no byte arrives within the timeout.</summary>
    public async Task<bool> IsSilentAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await ReadByteAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte> ReadByteAsync(CancellationToken ct = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        var one = new byte[1];
        if (await _stream.ReadAsync(one, limit.Token) == 0) throw new EndOfStreamException("The server closed the connection.");
        return one[0];
    }
}
