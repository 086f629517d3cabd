using System.Text;
using Imprint.Targets.Gdb;
using Imprint.Tests.Support;

namespace Imprint.Tests.Gdb;

public sealed class RspConnectionTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token;

    [Fact]
    public async Task ClientAndServer_ExchangePacketsWithAcks()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        await using var server = new RspConnection(pair.Server, leaveOpen: true);

        await client.WritePacketAsync("qSupported:swbreak+", Timeout);
        var request = await server.ReadPacketAsync(Timeout);
        request.Text.ShouldBe("qSupported:swbreak+");

        await server.WritePacketAsync("PacketSize=1000", Timeout);
        (await client.ReadPacketAsync(Timeout)).Text.ShouldBe("PacketSize=1000");

        await client.WritePacketAsync("?", Timeout);
        (await server.ReadPacketAsync(Timeout)).Text.ShouldBe("?"); // consumes the client's '+' first
        client.RetransmitCount.ShouldBe(0);
        server.RetransmitCount.ShouldBe(0);
    }

    [Fact]
    public async Task Read_AcknowledgesGoodFrame()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        await LoopbackPair.WriteAsync(pair.Server, "$OK#9a");
        (await client.ReadPacketAsync(Timeout)).Text.ShouldBe("OK");
        (await LoopbackPair.ReadAsync(pair.Server, 1)).ShouldBe("+");
    }

    [Fact]
    public async Task Read_BadChecksum_SendsNakAndTakesRetransmission()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        await LoopbackPair.WriteAsync(pair.Server, "$OK#00");
        var read = client.ReadPacketAsync(Timeout).AsTask();
        (await LoopbackPair.ReadAsync(pair.Server, 1)).ShouldBe("-");
        read.IsCompleted.ShouldBeFalse();
        await LoopbackPair.WriteAsync(pair.Server, "$OK#9a");
        (await read).Text.ShouldBe("OK");
        (await LoopbackPair.ReadAsync(pair.Server, 1)).ShouldBe("+");
        client.BadChecksumCount.ShouldBe(1);
    }

    [Fact]
    public async Task Read_NonHexChecksum_IsBadChecksum()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        await LoopbackPair.WriteAsync(pair.Server, "$OK#zz$OK#9a");
        (await client.ReadPacketAsync(Timeout)).Text.ShouldBe("OK");
        (await LoopbackPair.ReadAsync(pair.Server, 2)).ShouldBe("-+");
    }

    [Fact]
    public async Task Nak_RetransmitsLastFrame()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        await client.WritePacketAsync("m0,4", Timeout);
        (await LoopbackPair.ReadAsync(pair.Server, 8)).ShouldBe("$m0,4#fd");
        await LoopbackPair.WriteAsync(pair.Server, "-");
        var read = client.ReadPacketAsync(Timeout).AsTask();
        (await LoopbackPair.ReadAsync(pair.Server, 8)).ShouldBe("$m0,4#fd");
        await LoopbackPair.WriteAsync(pair.Server, "+$00000000#80");
        (await read).Text.ShouldBe("00000000");
        client.RetransmitCount.ShouldBe(1);
    }

    [Fact]
    public async Task Nak_TooOften_Throws()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true) { MaxRetransmits = 2 };
        await client.WritePacketAsync("g", Timeout);
        await LoopbackPair.WriteAsync(pair.Server, "---");
        var ex = await Should.ThrowAsync<InvalidDataException>(client.ReadPacketAsync(Timeout).AsTask());
        ex.Message.ShouldBe("The peer rejected the same packet 3 times in a row.");
    }

    [Fact]
    public async Task NoAckMode_SendsNoAcks_AndBadChecksumThrows()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true) { AckMode = false };
        await LoopbackPair.WriteAsync(pair.Server, "$OK#9a");
        (await client.ReadPacketAsync(Timeout)).Text.ShouldBe("OK");
        await client.WritePacketAsync("g", Timeout);
        (await LoopbackPair.ReadAsync(pair.Server, 5)).ShouldBe("$g#67"); // no '+' before it

        await LoopbackPair.WriteAsync(pair.Server, "$OK#00");
        var ex = await Should.ThrowAsync<InvalidDataException>(client.ReadPacketAsync(Timeout).AsTask());
        ex.Message.ShouldContain("bad checksum");
    }

    [Fact]
    public async Task Read_InterruptByte_ReturnsInterrupt()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var server = new RspConnection(pair.Server, leaveOpen: true);
        await pair.Client.WriteAsync(new byte[] { 0x03 });
        (await server.ReadPacketAsync(Timeout)).ShouldBeSameAs(RspPacket.Interrupt);
    }

    [Fact]
    public async Task Notification_IsSetAside()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        var seen = new List<string>();
        await using var client = new RspConnection(pair.Client, leaveOpen: true) { NotificationReceived = p => seen.Add(p.Text) };
        byte[] note = RspPacket.EncodeNotification("Stop:T05"u8);
        await pair.Server.WriteAsync(note);
        await LoopbackPair.WriteAsync(pair.Server, "$OK#9a");
        (await client.ReadPacketAsync(Timeout)).Text.ShouldBe("OK");
        seen.ShouldBe(["Stop:T05"]);
    }

    [Fact]
    public async Task Read_SkipsNoiseAndStrayAcks()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        await LoopbackPair.WriteAsync(pair.Server, "++xx\r\n$OK#9a");
        (await client.ReadPacketAsync(Timeout)).Text.ShouldBe("OK");
    }

    [Fact]
    public async Task Read_TruncatedFrameFollowedByNewFrame_Resynchronizes()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        await LoopbackPair.WriteAsync(pair.Server, "$T05thr$OK#9a");
        (await client.ReadPacketAsync(Timeout)).Text.ShouldBe("OK");
    }

    [Fact]
    public async Task Read_FrameSplitAcrossSegments_IsReassembled()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        var read = client.ReadPacketAsync(Timeout).AsTask();
        await LoopbackPair.WriteAsync(pair.Server, "$O");
        await Task.Delay(50);
        await LoopbackPair.WriteAsync(pair.Server, "K#9");
        await Task.Delay(50);
        read.IsCompleted.ShouldBeFalse();
        await LoopbackPair.WriteAsync(pair.Server, "a");
        (await read).Text.ShouldBe("OK");
    }

    [Fact]
    public async Task Read_CancelledWhileWaiting_LosesNothing()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        await LoopbackPair.WriteAsync(pair.Server, "$O");
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            await Should.ThrowAsync<OperationCanceledException>(client.ReadPacketAsync(cts.Token).AsTask());
        }

        await LoopbackPair.WriteAsync(pair.Server, "K#9a");
        (await client.ReadPacketAsync(Timeout)).Text.ShouldBe("OK");
    }

    [Fact]
    public async Task Read_LargeBinaryPacket_RoundTrips()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        await using var server = new RspConnection(pair.Server, leaveOpen: true);
        var data = new byte[100_000];
        new Random(7).NextBytes(data);
        var write = client.WritePacketAsync(data, Timeout);
        var packet = await server.ReadPacketAsync(Timeout);
        await write;
        packet.Payload.ToArray().ShouldBe(data);
    }

    [Fact]
    public async Task Read_PeerClosed_ThrowsEndOfStream()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        await LoopbackPair.WriteAsync(pair.Server, "$O");
        pair.ServerSocket.Close();
        await Should.ThrowAsync<EndOfStreamException>(client.ReadPacketAsync(Timeout).AsTask());
    }

    [Fact]
    public async Task Read_OverlongFrame_Throws()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true) { MaxReceiveLength = 100 };
        await LoopbackPair.WriteAsync(pair.Server, "$" + new string('a', 200));
        var ex = await Should.ThrowAsync<InvalidDataException>(client.ReadPacketAsync(Timeout).AsTask());
        ex.Message.ShouldBe("The peer sent a packet longer than 100 bytes.");
    }

    [Fact]
    public async Task Read_MalformedRunLength_ThrowsAfterAck()
    {
        await using var pair = await LoopbackPair.CreateAsync();
        await using var client = new RspConnection(pair.Client, leaveOpen: true);
        byte[] body = Encoding.Latin1.GetBytes("*!");
        await LoopbackPair.WriteAsync(pair.Server, $"$*!#{RspPacket.Checksum(body):x2}");
        var ex = await Should.ThrowAsync<InvalidDataException>(client.ReadPacketAsync(Timeout).AsTask());
        ex.Message.ShouldContain("malformed run-length");
    }
}
