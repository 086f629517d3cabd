using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Imprint.Tests.Support;

/// <summary>
/// A scripted GDB RSP server on 127.0.0.1 (like Npgsql's fake postmaster): it expects each
/// client packet in order and answers as the script says, byte for byte, including broken
/// answers (bad checksums, malformed bodies, silence, dropped connections). Its framing is
/// written independently of Imprint's, so a shared bug cannot hide. After a dropped
/// connection the script continues on the next connection the client opens.
/// </summary>
internal sealed class FakeGdbServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Queue<FakeStep> _steps = new();
    private readonly StringBuilder _log = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private string? _failure;

    private FakeGdbServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = Task.Run(RunAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Gets the packets the client sent, one per line (payloads unescaped), and <c>^C</c> for interrupts.</summary>
    public IReadOnlyList<string> Received => _received;

    /// <summary>Gets every byte the client sent, as Latin-1 text.</summary>
    public string RawLog
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>Gets how many connections the client opened.</summary>
    public int Connections { get; private set; }

    private readonly List<string> _received = [];

    public static FakeGdbServer Start() => new();

    /// <summary>Bytes the server sends as soon as a client connects (before any packet).</summary>
    public List<string> OnConnect { get; } = [];

    public FakeStep Expect(string payload) => Add(new FakeStep(p => p == payload, payload));

    public FakeStep ExpectPrefix(string prefix) => Add(new FakeStep(p => p.StartsWith(prefix, StringComparison.Ordinal), prefix + "…"));

    /// <summary>Expects a packet and rejects it with '-' (a checksum error on the line); the client resends it later.</summary>
    public FakeStep ExpectAndReject(string payload) => Add(new FakeStep(p => p == payload, payload) { Rejects = true });

    public FakeStep ExpectInterrupt() => Add(new FakeStep(p => p == "^C", "^C"));

    /// <summary>
    /// Scripts the session's connection handshake: qSupported, QStartNoAckMode (when
    /// announced), target.xml and memory map (when given), vCont?, ? and the qCRC probe.
    /// </summary>
    public FakeGdbServer Handshake(string features = "PacketSize=400", string? targetXml = null, string? memoryMap = null, bool crc = false, ulong crcProbe = 0)
    {
        Expect("qSupported:swbreak+;hwbreak+;vContSupported+").Reply(features);
        if (features.Contains("QStartNoAckMode+", StringComparison.Ordinal)) Expect("QStartNoAckMode").Reply("OK").ThenNoAck();
        if (targetXml is not null) ExpectPrefix("qXfer:features:read:target.xml:0,").Reply("l" + targetXml);
        if (memoryMap is not null) ExpectPrefix("qXfer:memory-map:read::0,").Reply("l" + memoryMap);
        Expect("vCont?").Reply("vCont;c;C;s;S");
        Expect("?").Reply("S05");
        Expect($"qCRC:{crcProbe:x},4").Reply(crc ? "C12345678" : "");
        return this;
    }

    /// <summary>Waits (up to 5 s) until the raw log satisfies <paramref name="condition"/>; returns the log.</summary>
    public async Task<string> WaitForRawLogAsync(Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition(RawLog) && DateTime.UtcNow < deadline) await Task.Delay(10);
        return RawLog;
    }

    /// <summary>Waits until the whole script ran, and fails with what went wrong.</summary>
    public async Task AssertCompletedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            lock (_steps)
            {
                if (_failure is not null) throw new InvalidOperationException("fake GDB server: " + _failure);
                if (_steps.Count == 0) return;
                if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"fake GDB server: the client never sent '{_steps.Peek().Description}' (received: {string.Join(" | ", Received)}).");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>A frame around <paramref name="body"/> exactly as given (no escaping), with its checksum.</summary>
    internal static string RawFrame(string body, char start = '$') => start + Encoding.Latin1.GetString(Frame(body))[1..];

    internal static byte[] Frame(string payload, bool corruptChecksum = false)
    {
        byte[] body = Encoding.Latin1.GetBytes(payload);
        int sum = 0;
        foreach (byte b in body) sum += b;
        if (corruptChecksum) sum++;
        return Encoding.Latin1.GetBytes($"${payload}#{sum & 0xFF:x2}");
    }

    private FakeStep Add(FakeStep step)
    {
        lock (_steps) _steps.Enqueue(step);
        return step;
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Connections++;
            using (client)
            {
                client.NoDelay = true;
                try
                {
                    await ServeAsync(client.GetStream());
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        foreach (string raw in OnConnect) await stream.WriteAsync(Encoding.Latin1.GetBytes(raw), _stop.Token);
        bool ack = true;
        byte[]? lastFrame = null;
        var buffer = new List<byte>();
        var chunk = new byte[65536];
        while (true)
        {
            int n = await stream.ReadAsync(chunk, _stop.Token);
            if (n == 0) return;
            lock (_log) _log.Append(Encoding.Latin1.GetString(chunk, 0, n));
            buffer.AddRange(chunk.AsSpan(0, n));
            while (buffer.Count > 0)
            {
                byte first = buffer[0];
                string? packet = null;
                if (first == '+')
                {
                    buffer.RemoveAt(0);
                    continue;
                }

                if (first == '-')
                {
                    buffer.RemoveAt(0);
                    if (lastFrame is not null) await stream.WriteAsync(lastFrame, _stop.Token);
                    continue;
                }

                if (first == 0x03)
                {
                    buffer.RemoveAt(0);
                    packet = "^C";
                }
                else if (first == '$')
                {
                    int hash = buffer.IndexOf((byte)'#');
                    if (hash < 0 || buffer.Count < hash + 3) break;
                    byte[] body = [.. buffer.GetRange(1, hash - 1)];
                    string cs = Encoding.Latin1.GetString([.. buffer.GetRange(hash + 1, 2)]);
                    buffer.RemoveRange(0, hash + 3);
                    int sum = 0;
                    foreach (byte b in body) sum += b;
                    if (!string.Equals(cs, $"{sum & 0xFF:x2}", StringComparison.OrdinalIgnoreCase))
                    {
                        Fail($"the client sent a bad checksum {cs} for '{Encoding.Latin1.GetString(body)}'.");
                        return;
                    }

                    packet = Unescape(body);
                }
                else
                {
                    Fail($"the client sent a stray byte 0x{first:X2}.");
                    return;
                }

                FakeStep? step;
                lock (_steps)
                {
                    _received.Add(packet);
                    step = _steps.Count > 0 ? _steps.Peek() : null;
                    if (step is null || !step.Matches(packet))
                    {
                        Fail($"expected '{step?.Description ?? "(end of script)"}' but the client sent '{Shorten(packet)}'.");
                        return;
                    }

                    if (step.NaksLeft > 0)
                    {
                        step.NaksLeft--;
                        _received.RemoveAt(_received.Count - 1);
                        step = null;
                    }
                    else
                    {
                        _steps.Dequeue();
                    }
                }

                if (step is null)
                {
                    await stream.WriteAsync("-"u8.ToArray(), _stop.Token);
                    continue;
                }

                if (step.Rejects)
                {
                    await stream.WriteAsync("-"u8.ToArray(), _stop.Token);
                    continue;
                }

                if (ack && packet != "^C") await stream.WriteAsync("+"u8.ToArray(), _stop.Token);
                foreach (var action in step.Actions)
                {
                    switch (action)
                    {
                        case FakeAction.Packet p:
                            lastFrame = Frame(p.Payload);
                            await stream.WriteAsync(lastFrame, _stop.Token);
                            break;
                        case FakeAction.Corrupted c:
                            lastFrame = Frame(c.Payload);
                            await stream.WriteAsync(Frame(c.Payload, corruptChecksum: true), _stop.Token);
                            break;
                        case FakeAction.Raw r:
                            await stream.WriteAsync(Encoding.Latin1.GetBytes(r.Bytes), _stop.Token);
                            break;
                        case FakeAction.Delay d:
                            await Task.Delay(d.Time, _stop.Token);

                            // Take in what the client sent meanwhile, so the log shows it.
                            while (stream.DataAvailable)
                            {
                                int more = await stream.ReadAsync(chunk, _stop.Token);
                                lock (_log) _log.Append(Encoding.Latin1.GetString(chunk, 0, more));
                                buffer.AddRange(chunk.AsSpan(0, more));
                            }

                            break;
                        case FakeAction.NoAck:
                            ack = false;
                            break;
                        case FakeAction.Close:
                            return;
                    }
                }

                lock (_log) step.LogAfterReply = _log.ToString();
            }
        }
    }

    private void Fail(string message)
    {
        lock (_steps) _failure ??= message;
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;

    private static string Unescape(byte[] body)
    {
        var result = new List<byte>(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            result.Add(body[i] == '}' ? (byte)(body[++i] ^ 0x20) : body[i]);
        }

        return Encoding.Latin1.GetString([.. result]);
    }
}

/// <summary>One expected client packet and what the fake server does about it.</summary>
internal sealed class FakeStep(Func<string, bool> matches, string description)
{
    public string Description { get; } = description;

    public List<FakeAction> Actions { get; } = [];

    public int NaksLeft { get; set; }

    public bool Rejects { get; init; }

    /// <summary>Gets what the client had sent when this step's reply went out.</summary>
    public string? LogAfterReply { get; set; }

    public bool Matches(string packet) => matches(packet);

    /// <summary>Answers with well-formed packets, in order.</summary>
    public FakeStep Reply(params string[] payloads)
    {
        foreach (string p in payloads) Actions.Add(new FakeAction.Packet(p));
        return this;
    }

    /// <summary>Answers with a packet whose checksum is wrong; a NAK gets the good frame.</summary>
    public FakeStep ReplyCorrupted(string payload)
    {
        Actions.Add(new FakeAction.Corrupted(payload));
        return this;
    }

    /// <summary>Sends bytes exactly as given (malformed frames, run-length encoding, notifications).</summary>
    public FakeStep ReplyRaw(string bytes)
    {
        Actions.Add(new FakeAction.Raw(bytes));
        return this;
    }

    public FakeStep Wait(TimeSpan time)
    {
        Actions.Add(new FakeAction.Delay(time));
        return this;
    }

    /// <summary>Answers nothing (the client must time out).</summary>
    public FakeStep Silence() => this;

    /// <summary>Drops the connection.</summary>
    public FakeStep Close()
    {
        Actions.Add(new FakeAction.Close());
        return this;
    }

    /// <summary>Answers the first arrival of the packet with '-', so the client must resend it.</summary>
    public FakeStep NakFirst(int times = 1)
    {
        NaksLeft = times;
        return this;
    }

    public FakeStep ThenNoAck()
    {
        Actions.Add(new FakeAction.NoAck());
        return this;
    }
}

internal abstract record FakeAction
{
    public sealed record Packet(string Payload) : FakeAction;

    public sealed record Corrupted(string Payload) : FakeAction;

    public sealed record Raw(string Bytes) : FakeAction;

    public sealed record Delay(TimeSpan Time) : FakeAction;

    public sealed record NoAck : FakeAction;

    public sealed record Close : FakeAction;
}
