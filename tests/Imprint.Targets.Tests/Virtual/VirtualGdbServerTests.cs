using System.Text;
using System.Xml.Linq;
using Imprint.Targets.Virtual;
using Imprint.Tests.Support;

namespace Imprint.Tests.Virtual;

/// <summary>The virtual target's GDB server against a raw socket client, packet by packet.</summary>
public sealed class VirtualGdbServerTests
{
    private const ulong Ram = 0x2000_0000;

    [Fact]
    public async Task QSupported_AnnouncesPacketSizeInHexAndFeatures()
    {
        await using var server = VirtualGdbServer.Start(new VirtualMcu(TestDevices.Lm3s6965()));
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        (await gdb.ExchangeAsync("qSupported:multiprocess+;swbreak+;xmlRegisters=i386"))
            .ShouldBe("PacketSize=4000;qXfer:memory-map:read+;qXfer:features:read+;QStartNoAckMode+");
        server.Url.OriginalString.ShouldBe($"gdb://127.0.0.1:{server.Port}");
    }

    [Fact]
    public async Task UnknownPacket_GetsEmptyReply()
    {
        await using var server = VirtualGdbServer.Start(new VirtualMcu(TestDevices.Lm3s6965()));
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        (await gdb.ExchangeAsync("vMustReplyEmpty")).ShouldBe("");
        (await gdb.ExchangeAsync("Z2,20000000,4")).ShouldBe(""); // watchpoints: not supported
        (await gdb.ExchangeAsync("qAttached")).ShouldBe("1");
    }

    [Fact]
    public async Task StartNoAckMode_ThenNoAcknowledgements()
    {
        await using var server = VirtualGdbServer.Start(new VirtualMcu(TestDevices.Lm3s6965()));
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        (await gdb.ExchangeAsync("QStartNoAckMode")).ShouldBe("OK");
        gdb.AckMode = false;
        (await gdb.ExchangeAsync("?")).ShouldBe("S05");
        (await gdb.IsSilentAsync(TimeSpan.FromMilliseconds(200))).ShouldBeTrue();
    }

    [Fact]
    public async Task Registers_GReadsSeventeenWords_PAndPUseGdbNumbers()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.WriteRegister("r1", 0x11223344);
        await using var server = VirtualGdbServer.Start(mcu);
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);

        string g = await gdb.ExchangeAsync("g");
        g.Length.ShouldBe(17 * 8);
        g[8..16].ShouldBe("44332211"); // r1, target byte order
        g[128..136].ShouldBe("00000001"); // xPSR with the Thumb bit

        (await gdb.ExchangeAsync("P19=00000021")).ShouldBe("OK"); // 0x19 = 25 = xPSR
        mcu.ReadRegister("xpsr").ShouldBe(0x2100_0000u);
        (await gdb.ExchangeAsync("Pf=44000000")).ShouldBe("OK");
        (await gdb.ExchangeAsync("pf")).ShouldBe("44000000");
        (await gdb.ExchangeAsync("p10")).ShouldBe("E01"); // 16 is not in the target description
        (await gdb.ExchangeAsync("G" + new string('0', 16 * 8) + "00000001")).ShouldBe("OK");
        mcu.ReadRegister("pc").ShouldBe(0u);
    }

    [Fact]
    public async Task Memory_ReadWriteRam_FlashRefusesM_UnmappedFails()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        await using var server = VirtualGdbServer.Start(mcu);
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);

        (await gdb.ExchangeAsync("M20000000,4:deadbeef")).ShouldBe("OK");
        (await gdb.ExchangeAsync("m20000000,4")).ShouldBe("deadbeef");
        (await gdb.ExchangeAsync("M0,4:00000000")).ShouldBe("E0E"); // as OpenOCD: M into flash
        (await gdb.ExchangeAsync("m40000,4")).ShouldBe("E0E");
        (await gdb.ExchangeAsync("m400fe000,4")).Length.ShouldBe(8); // DID0
        (await gdb.ExchangeAsync("M20000000,4:dead")).ShouldBe("E01");
    }

    [Fact]
    public async Task Memory_LargeRead_IsCutToPacketSize()
    {
        await using var server = VirtualGdbServer.Start(new VirtualMcu(TestDevices.Lm3s6965()));
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        (await gdb.ExchangeAsync("m20000000,8000")).Length.ShouldBe(VirtualGdbServer.PacketSize);
    }

    [Fact]
    public async Task X_BinaryWithEscapedBytes_IsStoredExactly()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        await using var server = VirtualGdbServer.Start(mcu);
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        byte[] data = [(byte)'}', (byte)'#', (byte)'$', (byte)'*', 0x00, 0x03, 0xFF, 0x7D];

        (await gdb.ExchangeAsync("X20000010,0:")).ShouldBe("OK"); // GDB's probe
        (await gdb.ExchangeAsync("X20000010,8:" + Encoding.Latin1.GetString(data))).ShouldBe("OK");
        var stored = new byte[8];
        mcu.ReadMemory(Ram + 0x10, stored);
        stored.ShouldBe(data);
    }

    [Fact]
    public async Task VFlash_EraseMustBeSectorAligned_WriteBuffersUntilDone()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.Program(0x400, [0, 0, 0, 0]);
        await using var server = VirtualGdbServer.Start(mcu);
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);

        (await gdb.ExchangeAsync("vFlashErase:00000200,00000400")).ShouldBe("E05");
        (await gdb.ExchangeAsync("vFlashErase:00000400,00000200")).ShouldBe("E05");
        (await gdb.ExchangeAsync("vFlashErase:20000000,00000400")).ShouldBe("E05"); // RAM
        (await gdb.ExchangeAsync("vFlashErase:00000400,00000800")).ShouldBe("OK");
        Read(mcu, 0x400, 4).ShouldAllBe(b => b == 0xFF);

        // Odd lengths and a misaligned start are padded to whole words with the erased value.
        (await gdb.ExchangeAsync("vFlashWrite:403:" + Encoding.Latin1.GetString([0x11, 0x22, 0x23, 0x24, 0x2A]))).ShouldBe("OK");
        (await gdb.ExchangeAsync("vFlashWrite:400:" + Encoding.Latin1.GetString([0x01, 0x02, 0x03]))).ShouldBe("OK");
        Read(mcu, 0x400, 8).ShouldAllBe(b => b == 0xFF); // nothing written before vFlashDone
        (await gdb.ExchangeAsync("vFlashDone")).ShouldBe("OK");
        Read(mcu, 0x400, 9).ShouldBe(new byte[] { 0x01, 0x02, 0x03, 0x11, 0x22, 0x23, 0x24, 0x2A, 0xFF });
    }

    [Fact]
    public async Task VFlash_ProtectedSector_FailsWithE03()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.SetWriteProtection(0, 0x400, protect: true);
        await using var server = VirtualGdbServer.Start(mcu);
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        (await gdb.ExchangeAsync("vFlashErase:0,400")).ShouldBe("E03");
        (await gdb.ExchangeAsync("vFlashWrite:0:abcd")).ShouldBe("OK");
        (await gdb.ExchangeAsync("vFlashDone")).ShouldBe("E03");
    }

    [Fact]
    public async Task QCrc_IsCrc32Mpeg2AsOpenOcdComputesIt()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.WriteMemory(Ram, Encoding.ASCII.GetBytes("123456789"));
        await using var server = VirtualGdbServer.Start(mcu);
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        (await gdb.ExchangeAsync("qCRC:20000000,9")).ShouldBe("C0376e6e7"); // the CRC-32/MPEG-2 check value
        (await gdb.ExchangeAsync("qCRC:3fff0,20")).ShouldBe("E0E");
    }

    [Fact]
    public async Task MemoryMap_OneFlashElementPerSectorRun_WithBlockSize()
    {
        await using var server = VirtualGdbServer.Start(new VirtualMcu(TestDevices.Everything()));
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        var xml = await ReadXferAsync(gdb, "qXfer:memory-map:read::", chunk: 0x80);
        var memories = XDocument.Parse(xml).Root!.Elements("memory")
            .Select(m => $"{m.Attribute("type")!.Value} {m.Attribute("start")!.Value} {m.Attribute("length")!.Value} {m.Element("property")?.Value}".TrimEnd())
            .ToList();

        memories.ShouldBe(
        [
            "flash 0x8000000 0x10000 0x4000",
            "flash 0x8010000 0x10000 0x10000",
            "flash 0x8020000 0x20000 0x20000",
            "flash 0x8100000 0x1000 0x1000",
            "ram 0x8200000 0x1000",      // flash that needs no erase takes plain writes
            "rom 0x1fff0000 0x7800",
            "ram 0x1fff7800 0x200",      // OTP written by plain writes, once
            "flash 0x1fffc000 0x10 0x10", // option bytes as one block
            "ram 0x20000000 0x20000",
        ]);
    }

    [Fact]
    public void MemoryMap_CatalogStm32f407vg_IsWhatTheDocsShow()
    {
        var xml = Encoding.ASCII.GetString(Imprint.Targets.Virtual.Internal.GdbDocuments.MemoryMap(Imprint.Devices.DeviceCatalog.BuiltIn.Get("STM32F407VG")));
        var lines = XDocument.Parse(xml).Root!.Elements("memory").Select(m => m.ToString(SaveOptions.DisableFormatting).Replace(" />", "/>", StringComparison.Ordinal));
        var docs = File.ReadAllText(Imprint.Testing.RepositoryRoot.Combine("docs", "virtual-target.md"));
        foreach (var line in lines) docs.ShouldContain(line);
    }

    [Fact]
    public async Task TargetXml_IsTheMProfileFeature()
    {
        await using var server = VirtualGdbServer.Start(new VirtualMcu(TestDevices.Lm3s6965()));
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        var target = XDocument.Parse(await ReadXferAsync(gdb, "qXfer:features:read:target.xml:", chunk: 0x1000)).Root!;
        var feature = target.Element("feature")!;
        feature.Attribute("name")!.Value.ShouldBe("org.gnu.gdb.arm.m-profile");
        feature.Elements("reg").Select(r => $"{r.Attribute("name")!.Value}={r.Attribute("regnum")!.Value}").Last().ShouldBe("xpsr=25");
        (await gdb.ExchangeAsync("qXfer:features:read:other.xml:0,100")).ShouldBe("E00");
    }

    [Fact]
    public async Task Continue_TestProgramToBreakpoint_ResultInR0()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        await using var server = VirtualGdbServer.Start(mcu);
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        mcu.WriteMemory(Ram + 0x100, Encoding.ASCII.GetBytes("123456789"));
        var program = VirtualTestProgram.Crc32(0x2000_0100, 9);

        (await gdb.ExchangeAsync($"X20000000,{program.Length:x}:" + Encoding.Latin1.GetString(program))).ShouldBe("OK");
        (await gdb.ExchangeAsync("Z0,20000010,2")).ShouldBe("OK");
        (await gdb.ExchangeAsync("Pf=00000020")).ShouldBe("OK");
        (await gdb.ExchangeAsync("vCont?")).ShouldBe("vCont;c;C");
        (await gdb.ExchangeAsync("vCont;c")).ShouldBe("S05");
        (await gdb.ExchangeAsync("p0")).ShouldBe("2639f4cb"); // CRC-32 check value 0xCBF43926, little-endian
        (await gdb.ExchangeAsync("pf")).ShouldBe("10000020");
        (await gdb.ExchangeAsync("z0,20000010,2")).ShouldBe("OK");
    }

    [Fact]
    public async Task Continue_Hang_CtrlCStopsWithSigint()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.WriteMemory(Ram, VirtualTestProgram.Hang());
        await using var server = VirtualGdbServer.Start(mcu);
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        (await gdb.ExchangeAsync("Z0,20000010,2")).ShouldBe("OK");

        await gdb.SendAsync("c20000000");
        (await gdb.IsSilentAsync(TimeSpan.FromMilliseconds(200))).ShouldBeTrue();
        mcu.State.ShouldBe(VirtualCoreState.Running);
        await gdb.SendRawAsync([0x03]);
        (await gdb.ReceiveAsync()).ShouldBe("S02");
        mcu.State.ShouldBe(VirtualCoreState.Halted);
        (await gdb.ExchangeAsync("?")).ShouldBe("S02");
    }

    [Fact]
    public async Task Monitor_ResetHaltAndUid_UnknownCommandFails()
    {
        var mcu = new VirtualMcu(TestDevices.Everything(), seed: 5);
        mcu.Program(0x0800_0000, [0x00, 0x10, 0x00, 0x20, 0x01, 0x02, 0x00, 0x08]);
        await using var server = VirtualGdbServer.Start(mcu);
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);

        (await gdb.ExchangeAsync("qRcmd," + Hex("reset halt"))).ShouldBe("OK");
        mcu.ReadRegister("pc").ShouldBe(0x0800_0200u);

        await gdb.SendAsync("qRcmd," + Hex("uid"));
        (await gdb.ReceiveAsync()).ShouldBe("O" + Hex(Convert.ToHexString(mcu.UniqueId.Span) + "\n"));
        (await gdb.ReceiveAsync()).ShouldBe("OK");

        await gdb.SendAsync("qRcmd," + Hex("frobnicate"));
        (await gdb.ReceiveAsync()).ShouldBe("O" + Hex("monitor command 'frobnicate' is not supported by the virtual target; try 'help'.\n"));
        (await gdb.ReceiveAsync()).ShouldBe("E01");
    }

    [Fact]
    public async Task Monitor_Erase_ErasesChip()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        mcu.Program(0x3_FC00, [0, 0, 0, 0]);
        await using var server = VirtualGdbServer.Start(mcu);
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        await gdb.SendAsync("qRcmd," + Hex("erase"));
        (await gdb.ReceiveAsync()).ShouldBe("O" + Hex("flash erased\n"));
        (await gdb.ReceiveAsync()).ShouldBe("OK");
        Read(mcu, 0x3_FC00, 4).ShouldAllBe(b => b == 0xFF);
    }

    [Fact]
    public async Task Clients_AreServedOneAfterAnother()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965());
        await using var server = VirtualGdbServer.Start(mcu);

        await using (var first = await RawGdbClient.ConnectAsync(server.Port))
        {
            (await first.ExchangeAsync("M20000000,1:5a")).ShouldBe("OK");
            await using var second = await RawGdbClient.ConnectAsync(server.Port);
            var waiting = second.ExchangeAsync("m20000000,1");
            await Task.Delay(100);
            waiting.IsCompleted.ShouldBeFalse(); // queued behind the first client
            (await first.ExchangeAsync("D")).ShouldBe("OK");
            (await first.IsClosedAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();
            (await waiting).ShouldBe("5a");
            await second.SendAsync("k");
            (await second.IsClosedAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();
        }

        await using var third = await RawGdbClient.ConnectAsync(server.Port);
        (await third.ExchangeAsync("?")).ShouldBe("S02"); // detach let the core run; attaching halted it
        server.ConnectionCount.ShouldBe(3);
    }

    [Fact]
    public async Task Fault_DropConnectionAfterBytes_OnFirstConnectionOnly()
    {
        var mcu = new VirtualMcu(TestDevices.Lm3s6965(), faults: new VirtualFaults { DropConnectionAfterBytes = 40 });
        await using var server = VirtualGdbServer.Start(mcu);

        await using (var first = await RawGdbClient.ConnectAsync(server.Port))
        {
            (await first.ExchangeAsync("m20000000,4")).ShouldBe("00000000"); // 15 bytes
            await first.SendRawAsync(Encoding.ASCII.GetBytes("$M20000000,10:00112233445566778899aabbccddeeff#00"));
            (await first.IsClosedAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();
        }

        await using var second = await RawGdbClient.ConnectAsync(server.Port);
        (await second.ExchangeAsync("M20000000,10:00112233445566778899aabbccddeeff")).ShouldBe("OK");
    }

    [Fact]
    public async Task Dispose_DropsClientAndFreesPort()
    {
        var server = VirtualGdbServer.Start(new VirtualMcu(TestDevices.Lm3s6965()));
        await using var gdb = await RawGdbClient.ConnectAsync(server.Port);
        (await gdb.ExchangeAsync("?")).ShouldBe("S05");
        await server.DisposeAsync();
        (await gdb.IsClosedAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();
        await using var again = VirtualGdbServer.Start(new VirtualMcu(TestDevices.Lm3s6965()), server.Port);
        again.Port.ShouldBe(server.Port);
    }

    private static async Task<string> ReadXferAsync(RawGdbClient gdb, string prefix, int chunk)
    {
        var text = new StringBuilder();
        while (true)
        {
            string reply = await gdb.ExchangeAsync($"{prefix}{text.Length:x},{chunk:x}");
            text.Append(reply[1..]);
            if (reply[0] == 'l') return text.ToString();
            reply[0].ShouldBe('m');
        }
    }

    private static string Hex(string text) => Convert.ToHexStringLower(Encoding.ASCII.GetBytes(text));

    private static byte[] Read(VirtualMcu mcu, ulong address, int length)
    {
        var bytes = new byte[length];
        mcu.ReadMemory(address, bytes);
        return bytes;
    }
}
