using System.Text;
using Imprint.Targets;
using Imprint.Tests.Support;
using static Imprint.Tests.Gdb.GdbTargetSessionTests;

namespace Imprint.Tests.Gdb;

/// <summary>Memory reads and writes: packet-size splitting, X with escaping, the X→M fallback.</summary>
public sealed class GdbTargetSessionMemoryTests
{
    [Fact]
    public async Task Read_SplitsToThePacketSize()
    {
        await using var server = FakeGdbServer.Start();
        // PacketSize 0x40: bodies of at most 62 characters, so 28-byte reads (56 hex digits).
        server.Handshake("PacketSize=40");
        server.Expect("m20000000,1c").Reply(new string('1', 56));
        server.Expect("m2000001c,1c").Reply(new string('2', 56));
        server.Expect("m20000038,4").Reply("33333333");
        await using var session = await ConnectAsync(server);
        var buffer = new byte[60];
        await session.ReadMemoryAsync(0x20000000, buffer);
        await server.AssertCompletedAsync();
        buffer[0].ShouldBe((byte)0x11);
        buffer[28].ShouldBe((byte)0x22);
        buffer[59].ShouldBe((byte)0x33);
    }

    [Fact]
    public async Task Read_Pipelined_SendsSeveralRequestsBeforeTheReplies()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=40");
        var first = server.Expect("m20000000,1c").Wait(TimeSpan.FromMilliseconds(100)).Reply(new string('1', 56));
        server.Expect("m2000001c,1c").Reply(new string('2', 56));
        server.Expect("m20000038,1c").Reply(new string('3', 56));
        await using var session = await ConnectAsync(server);
        var buffer = new byte[84];
        await session.ReadMemoryAsync(0x20000000, buffer);

        // All three requests were on the wire before the first reply went out.
        first.LogAfterReply.ShouldNotBeNull().ShouldContain("$m20000038,1c#");
        buffer[83].ShouldBe((byte)0x33);
    }

    [Fact]
    public async Task Read_PipelinedWithAResend_ReadsTheBatchAgainInOrder()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=40");
        server.Expect("m20000000,1c").Reply(new string('1', 56));
        server.ExpectAndReject("m2000001c,1c");
        server.Expect("m20000038,4").Reply("33333333");
        server.Expect("m2000001c,1c").Reply(new string('2', 56)); // the resend, after the request that followed it
        // After the resend the replies could be out of order: read again, one at a time.
        server.Expect("m20000000,1c").Reply(new string('1', 56));
        server.Expect("m2000001c,1c").Reply(new string('2', 56));
        server.Expect("m20000038,4").Reply("33333333");
        await using var session = await ConnectAsync(server);
        var buffer = new byte[60];
        await session.ReadMemoryAsync(0x20000000, buffer);
        await server.AssertCompletedAsync();
        buffer[28].ShouldBe((byte)0x22);
        buffer[59].ShouldBe((byte)0x33);
    }

    [Fact]
    public async Task Read_ShortReply_ContinuesWhereItStopped()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=1000");
        server.Expect("m20000000,8").Reply("01020304");
        server.Expect("m20000004,4").Reply("05060708");
        await using var session = await ConnectAsync(server);
        var buffer = new byte[8];
        await session.ReadMemoryAsync(0x20000000, buffer);
        buffer.ShouldBe(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
    }

    [Fact]
    public async Task Write_BinaryUnsupported_FallsBackToHexWritesThatFitThePacket()
    {
        await using var server = FakeGdbServer.Start();
        var data = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();
        server.Handshake("PacketSize=40");
        server.Expect("X20000000,0:").Reply("");
        server.Expect("M20000000,18:" + Convert.ToHexStringLower(data.AsSpan(0, 24))).Reply("OK");
        server.Expect("M20000018,10:" + Convert.ToHexStringLower(data.AsSpan(24))).Reply("OK");
        server.Expect("M20000100,4:" + "deadbeef").Reply("OK"); // the fallback is remembered: no second probe
        await using var session = await ConnectAsync(server);
        await session.WriteMemoryAsync(0x20000000, data);
        await session.WriteMemoryAsync(0x20000100, new byte[] { 0xde, 0xad, 0xbe, 0xef });
        await server.AssertCompletedAsync();
        AllBodies(server.RawLog).ShouldAllBe(body => body.Length <= 62);
    }

    [Fact]
    public async Task Write_Binary_EscapesSpecialBytes_AndCollectsADeferredError()
    {
        await using var server = FakeGdbServer.Start();
        byte[] data = [0x7d, 0x23, 0x24, 0x2a, 0x00, 0x03, 0x2b, 0x2d];
        server.Handshake("PacketSize=1000");
        server.Expect("X20000000,0:").Reply("OK");
        server.Expect("X20000000,8:" + Encoding.Latin1.GetString(data)).Reply("OK");
        server.Expect("X20000008,0:").Reply("OK");
        await using var session = await ConnectAsync(server);
        await session.WriteMemoryAsync(0x20000000, data);
        await server.AssertCompletedAsync();
        server.RawLog.ShouldContain("$X20000000,8:}]}\u0003}\u0004}\n\0\u0003+-#");
    }

    [Fact]
    public async Task Write_Binary_SplitsByEscapedLength()
    {
        await using var server = FakeGdbServer.Start();
        var data = new byte[40];
        Array.Fill(data, (byte)'}'); // every byte doubles when escaped
        server.Handshake("PacketSize=40");
        server.Expect("X20000000,0:").Reply("OK");
        // PacketSize 0x40: bodies of at most 62 characters; a 13-character header leaves room for 24 escaped bytes.
        server.Expect("X20000000,18:" + new string('}', 24)).Reply("OK");
        server.Expect("X20000018,10:" + new string('}', 16)).Reply("OK");
        server.Expect("X20000028,0:").Reply("OK");
        await using var session = await ConnectAsync(server);
        await session.WriteMemoryAsync(0x20000000, data);
        await server.AssertCompletedAsync();
        AllBodies(server.RawLog).ShouldAllBe(body => body.Length <= 62);
    }

    [Fact]
    public async Task Write_Binary_ErrorOnTheNextPacket_NamesBothWrites()
    {
        await using var server = FakeGdbServer.Start();
        var data = new byte[100];
        server.Handshake("PacketSize=40");
        server.Expect("X20000000,0:").Reply("OK");
        server.ExpectPrefix("X20000000,31:").Reply("OK");
        server.ExpectPrefix("X20000031,31:").Reply("E0E"); // OpenOCD: the failure of the write before
        server.ExpectPrefix("X20000062,2:").Reply("OK"); // already in flight: its reply is read and dropped
        await using var session = await ConnectAsync(server);
        var ex = await Should.ThrowAsync<TargetException>(session.WriteMemoryAsync(0x20000000, data));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} answered E0E to a memory write; the write at 0x20000000 or the one at 0x20000031 failed.");
        ex.Address.ShouldBe(0x20000000UL);
    }

    [Fact]
    public async Task Write_HexIntoFlashRefused_ExplainsTheMissingFlashMap()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=1000");
        server.Expect("X100,0:").Reply("");
        server.Expect("M100,4:01020304").Reply("E0E");
        await using var session = await ConnectAsync(server);
        var ex = await Should.ThrowAsync<TargetException>(session.WriteMemoryAsync(0x100, new byte[] { 1, 2, 3, 4 }));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} answered E0E to writing 4 bytes at 0x00000100; the server offers no flash memory map, so flash at 0x00000100 can only be written with memory writes.");
        ex.Address.ShouldBe(0x100UL);
    }

    // The bodies of every frame the client sent.
    private static List<string> AllBodies(string log)
    {
        var bodies = new List<string>();
        int at = 0;
        while ((at = log.IndexOf('$', at)) >= 0)
        {
            int hash = log.IndexOf('#', at);
            bodies.Add(log[(at + 1)..hash]);
            at = hash;
        }

        return bodies;
    }
}
