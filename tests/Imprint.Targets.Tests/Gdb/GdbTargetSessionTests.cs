using Imprint.Targets;
using Imprint.Targets.Gdb;
using Imprint.Tests.Support;

namespace Imprint.Tests.Gdb;

/// <summary>Connection, features, errors, timeouts and reconnection, against the scripted fake server.</summary>
public sealed class GdbTargetSessionTests
{
    internal static GdbSessionOptions Fast { get; } = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        // Generous: test classes run in parallel on a busy machine; only the silence tests wait it out.
        RequestTimeout = TimeSpan.FromSeconds(1),
        LongRequestTimeout = TimeSpan.FromSeconds(2),
        ReconnectDelay = TimeSpan.FromMilliseconds(10),
        DetachOnDispose = false,
    };

    internal static Task<GdbTargetSession> ConnectAsync(FakeGdbServer server, Imprint.Devices.Device? device = null, GdbSessionOptions? options = null) =>
        GdbTargetSession.ConnectAsync("127.0.0.1", server.Port, device ?? TestDevices.QemuLike, options ?? Fast);

    [Fact]
    public async Task Connect_PacketSizeIsHexadecimal()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=3fff;swbreak+");
        await using var session = await ConnectAsync(server);
        await server.AssertCompletedAsync();
        session.Info.MaxPacketSize.ShouldBe(0x3fff);
        session.Info.Url.ShouldBe(new Uri($"gdb://127.0.0.1:{server.Port}"));
        session.Info.ServerFlash.ShouldBeFalse();
        session.Info.ServerCrc.ShouldBeFalse();
    }

    [Fact]
    public async Task Connect_PacketSizeAboveOpenOcdBuffer_IsCapped()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=100000");
        await using var session = await ConnectAsync(server);
        session.Info.MaxPacketSize.ShouldBe(16384);
    }

    [Fact]
    public async Task Connect_SaysSomethingAtOnce()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake();
        await using var session = await ConnectAsync(server);
        server.RawLog.ShouldStartWith("+$qSupported:");
    }

    [Fact]
    public async Task Connect_UnsolicitedStopReply_IsAcknowledgedAndSkipped()
    {
        await using var server = FakeGdbServer.Start();
        server.OnConnect.Add(FakeGdbServer.RawFrame("T05thread:01;"));
        server.Handshake("PacketSize=1000");
        await using var session = await ConnectAsync(server);
        await server.AssertCompletedAsync();
        session.Info.MaxPacketSize.ShouldBe(0x1000);
    }

    [Fact]
    public async Task Connect_NoAckModeOffered_StopsAcknowledging()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=1000;QStartNoAckMode+");
        server.Expect("m20000000,4").Reply("01020304");
        await using var session = await ConnectAsync(server);
        var buffer = new byte[4];
        await session.ReadMemoryAsync(0x20000000, buffer);
        await server.AssertCompletedAsync();
        buffer.ShouldBe(new byte[] { 1, 2, 3, 4 });

        // One '+' acknowledges the OK to QStartNoAckMode; nothing is acknowledged after it.
        await Task.Delay(50); // a wrong late '+' would show up by now
        string log = server.RawLog;
        string afterSwitch = log[(log.IndexOf("$QStartNoAckMode#b0", StringComparison.Ordinal) + 19)..];
        afterSwitch.Count(c => c == '+').ShouldBe(1);
        afterSwitch.ShouldStartWith("+$");
    }

    [Fact]
    public async Task Connect_NoAckModeDisabledInOptions_KeepsAcknowledging()
    {
        await using var server = FakeGdbServer.Start();
        server.Expect("qSupported:swbreak+;hwbreak+;vContSupported+").Reply("PacketSize=1000;QStartNoAckMode+");
        server.Expect("vCont?").Reply("");
        server.Expect("?").Reply("S05");
        server.Expect("qCRC:0,4").Reply("");
        await using var session = await ConnectAsync(server, options: Fast with { UseNoAckMode = false });
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task Connect_Refused_IsTransient()
    {
        int port = Imprint.Testing.FreePort.Next();
        var ex = await Should.ThrowAsync<TargetException>(GdbTargetSession.ConnectAsync("127.0.0.1", port, TestDevices.QemuLike, Fast));
        ex.IsTransient.ShouldBeTrue();
        ex.Message.ShouldStartWith($"Cannot connect to the debug server at 127.0.0.1:{port}:");
    }

    [Fact]
    public async Task Connect_MalformedMemoryMap_NamesTheProblem()
    {
        await using var server = FakeGdbServer.Start();
        server.Expect("qSupported:swbreak+;hwbreak+;vContSupported+").Reply("PacketSize=1000;qXfer:memory-map:read+");
        server.ExpectPrefix("qXfer:memory-map:read::0,").Reply("l<memory-map><memory type=\"flash\" start=\"0x0\"/></memory-map>");
        var ex = await Should.ThrowAsync<TargetException>(ConnectAsync(server));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} sent an unusable memory map: The server's memory map has a <memory> element without a valid start or length.");
        ex.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task Connect_ServerSilent_TimesOutTransient()
    {
        await using var server = FakeGdbServer.Start();
        server.Expect("qSupported:swbreak+;hwbreak+;vContSupported+").Silence();
        var ex = await Should.ThrowAsync<TargetException>(ConnectAsync(server));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} did not answer within 1 s while negotiating features (qSupported).");
        ex.IsTransient.ShouldBeTrue();
    }

    [Fact]
    public async Task Reply_MalformedRunLength_BreaksTheProtocol()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("m20000000,4").ReplyRaw(FakeGdbServer.RawFrame("*!00"));
        await using var session = await ConnectAsync(server);
        var ex = await Should.ThrowAsync<TargetException>(session.ReadMemoryAsync(0x20000000, new byte[4]));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} broke the protocol while reading 4 bytes at 0x20000000 (the peer sent a packet with a malformed run-length or escape sequence).");
        ex.Address.ShouldBe(0x20000000UL);
    }

    [Fact]
    public async Task Request_ErrorReply_ThrowsWithAddress()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("m40000000,4").Reply("E0E");
        await using var session = await ConnectAsync(server);
        var ex = await Should.ThrowAsync<TargetException>(session.ReadMemoryAsync(0x40000000, new byte[4]));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} answered E0E to reading 4 bytes at 0x40000000.");
        ex.Address.ShouldBe(0x40000000UL);
        ex.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task Request_MalformedReply_IsUnexpected()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("m20000000,4").Reply("zz!!");
        await using var session = await ConnectAsync(server);
        var ex = await Should.ThrowAsync<TargetException>(session.ReadMemoryAsync(0x20000000, new byte[4]));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} sent an unexpected reply 'zz!!' to reading 4 bytes at 0x20000000.");
    }

    [Fact]
    public async Task Reply_BadChecksum_IsNakedAndTheResentFrameAccepted()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("m20000000,2").ReplyCorrupted("abcd");
        await using var session = await ConnectAsync(server);
        var buffer = new byte[2];
        await session.ReadMemoryAsync(0x20000000, buffer);
        buffer.ShouldBe(new byte[] { 0xab, 0xcd });
        (await server.WaitForRawLogAsync(log => log.EndsWith("-+", StringComparison.Ordinal))).ShouldEndWith("-+");
    }

    [Fact]
    public async Task Request_NakedByServer_IsResent()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("m20000000,2").NakFirst(2).Reply("beef");
        await using var session = await ConnectAsync(server);
        var buffer = new byte[2];
        await session.ReadMemoryAsync(0x20000000, buffer);
        buffer.ShouldBe(new byte[] { 0xbe, 0xef });
        server.RawLog.Split("$m20000000,2#").Length.ShouldBe(4); // sent three times
    }

    [Fact]
    public async Task Reply_RunLengthEncoded_IsExpanded()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("m20000000,10").ReplyRaw(FakeGdbServer.RawFrame("12*(34*."));
        await using var session = await ConnectAsync(server);
        var buffer = new byte[16];
        await session.ReadMemoryAsync(0x20000000, buffer);

        // "2*(" is '2' and 40-29 = 11 more; "4*." is '4' and 46-29 = 17 more.
        Convert.ToHexStringLower(buffer).ShouldBe("1" + new string('2', 12) + "3" + new string('4', 18));
    }

    [Fact]
    public async Task Notification_DuringRequest_IsSetAside()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("m20000000,1").ReplyRaw(FakeGdbServer.RawFrame("Stop:T05", '%')).Reply("7f");
        await using var session = await ConnectAsync(server);
        var buffer = new byte[1];
        await session.ReadMemoryAsync(0x20000000, buffer);
        buffer[0].ShouldBe((byte)0x7f);
    }

    [Fact]
    public async Task Silence_TimesOutTransient_AndTheNextCallReconnects()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("m20000000,4").Silence();
        server.Handshake().Expect("m20000000,4").Reply("0a0b0c0d");
        await using var session = await ConnectAsync(server);

        var ex = await Should.ThrowAsync<TargetException>(session.ReadMemoryAsync(0x20000000, new byte[4]));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} did not answer within 1 s while reading 4 bytes at 0x20000000.");
        ex.IsTransient.ShouldBeTrue();
        ex.Address.ShouldBe(0x20000000UL);

        var buffer = new byte[4];
        await session.ReadMemoryAsync(0x20000000, buffer);
        buffer.ShouldBe(new byte[] { 10, 11, 12, 13 });
        session.ReconnectCount.ShouldBe(1);
        server.Connections.ShouldBe(2);
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task DroppedConnection_IsTransient_AndTheNextCallReconnects()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("m20000000,4").Close();
        server.Handshake().Expect("m20000000,4").Reply("01000000");
        await using var session = await ConnectAsync(server);

        var ex = await Should.ThrowAsync<TargetException>(session.ReadMemoryAsync(0x20000000, new byte[4]));
        ex.Message.ShouldBe($"The connection to the debug server at 127.0.0.1:{server.Port} was lost while reading 4 bytes at 0x20000000.");
        ex.IsTransient.ShouldBeTrue();

        var buffer = new byte[4];
        await session.ReadMemoryAsync(0x20000000, buffer);
        buffer[0].ShouldBe((byte)1);
        session.ReconnectCount.ShouldBe(1);
    }

    [Fact]
    public async Task Cancellation_StopsTheRequest()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("m20000000,4").Wait(TimeSpan.FromSeconds(2));
        await using var session = await ConnectAsync(server, options: Fast with { RequestTimeout = TimeSpan.FromSeconds(10) });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Should.ThrowAsync<OperationCanceledException>(session.ReadMemoryAsync(0x20000000, new byte[4], cts.Token));
    }

    [Fact]
    public async Task Monitor_CollectsConsoleOutputUntilOk()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("qRcmd," + Convert.ToHexStringLower("reset halt"u8)).Reply(
            "O" + Convert.ToHexStringLower("target halted\n"u8), "O" + Convert.ToHexStringLower("xPSR: 0x01000000\n"u8), "OK");
        await using var session = await ConnectAsync(server);
        (await session.MonitorAsync("reset halt")).ShouldBe("target halted\nxPSR: 0x01000000\n");
    }

    [Fact]
    public async Task Monitor_Unsupported_SaysSo()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().ExpectPrefix("qRcmd,").Reply("");
        await using var session = await ConnectAsync(server);
        var ex = await Should.ThrowAsync<TargetException>(session.MonitorAsync("help"));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} does not support monitor commands (qRcmd), needed for 'help'.");
    }

    [Fact]
    public async Task Reset_DefaultCommand_FallsBackToSystemReset()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake()
            .Expect("qRcmd," + Convert.ToHexStringLower("reset halt"u8)).Reply("O" + Convert.ToHexStringLower("unknown command: 'reset'\r\n"u8), "OK");
        server.Expect("qRcmd," + Convert.ToHexStringLower("system_reset"u8)).Reply("OK");
        server.Expect("qRcmd," + Convert.ToHexStringLower("system_reset"u8)).Reply("OK");
        server.Expect("vCont;c").Silence();
        await using var session = await ConnectAsync(server);
        await session.ResetAsync(halt: true);
        await session.ResetAsync(halt: false); // remembers the command that worked, then resumes
        session.IsRunning.ShouldBeTrue();
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task Reset_ConfiguredCommandUnknown_Throws()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("qRcmd," + Convert.ToHexStringLower("reset init"u8)).Reply("O" + Convert.ToHexStringLower("invalid command name \"reset init\"\n"u8), "OK");
        await using var session = await ConnectAsync(server, options: Fast with { ResetCommand = "reset init" });
        var ex = await Should.ThrowAsync<TargetException>(session.ResetAsync(halt: true));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} does not know the reset command 'reset init': invalid command name \"reset init\"");
    }

    [Fact]
    public async Task Dispose_Detaches()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake().Expect("D").Reply("OK");
        var session = await ConnectAsync(server, options: Fast with { DetachOnDispose = true });
        await session.DisposeAsync();
        await server.AssertCompletedAsync();
    }
}
