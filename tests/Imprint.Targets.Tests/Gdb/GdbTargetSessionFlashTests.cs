using Imprint.Checksums;
using Imprint.Memory;
using Imprint.Targets;
using Imprint.Tests.Support;
using static Imprint.Tests.Gdb.GdbTargetSessionTests;

namespace Imprint.Tests.Gdb;

/// <summary>Erase, program and verify: vFlash with a server memory map, memory writes without, qCRC or read-back.</summary>
public sealed class GdbTargetSessionFlashTests
{
    private const string MapFeatures = "PacketSize=1000;qXfer:memory-map:read+";

    [Fact]
    public async Task Program_WithFlashMap_ErasesAlignedBlocks_WritesAndCommits()
    {
        await using var server = FakeGdbServer.Start();
        var data = new byte[6000];
        new Random(5).NextBytes(data);
        server.Handshake(MapFeatures, memoryMap: TestDevices.ServerFlashMap, crcProbe: 0x08000000);
        server.Expect("vFlashErase:8000000,2000").Reply("OK"); // 0x08000100..0x08001870 → 2 KiB blocks 0x08000000..0x08002000
        var written = new List<string>();
        for (int i = 0; i < 2; i++) server.ExpectPrefix("vFlashWrite:").Reply("OK");
        server.Expect("vFlashDone").Reply("OK");
        await using var session = await ConnectAsync(server, TestDevices.ServerFlash);
        session.Info.ServerFlash.ShouldBeTrue();

        var image = new MemoryImage();
        image.Add(0x08000100, data, "test");
        var progress = new List<TargetProgress>();
        await session.ProgramAsync(image, new Collect(progress));
        await server.AssertCompletedAsync();

        var writes = server.Received.Where(p => p.StartsWith("vFlashWrite:", StringComparison.Ordinal)).ToList();
        writes[0].ShouldStartWith("vFlashWrite:8000100:");
        var sent = writes.SelectMany(w => System.Text.Encoding.Latin1.GetBytes(w[(w.IndexOf(':', 12) + 1)..])).ToArray();
        sent.ShouldBe(data);
        progress[^1].ShouldBe(new TargetProgress("program", 6000, 6000));
    }

    [Fact]
    public async Task Program_AfterChipErase_DoesNotEraseAgain()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake(MapFeatures, memoryMap: TestDevices.ServerFlashMap, crcProbe: 0x08000000);
        server.Expect("vFlashErase:8000000,10000").Reply("OK");
        server.Expect("vFlashDone").Reply("OK");
        server.Expect("vFlashWrite:8000000:\u0001\u0002").Reply("OK");
        server.Expect("vFlashDone").Reply("OK");
        server.Expect("vFlashErase:8000000,800").Reply("OK"); // written since: must be erased again
        server.Expect("vFlashWrite:8000000:\u0003").Reply("OK");
        server.Expect("vFlashDone").Reply("OK");
        await using var session = await ConnectAsync(server, TestDevices.ServerFlash);
        var progress = new List<TargetProgress>();
        await session.EraseChipAsync(new Collect(progress));
        progress.ShouldBe([new TargetProgress("erase", 0, 0x10000), new TargetProgress("erase", 0x10000, 0x10000)]);

        var first = new MemoryImage();
        first.Add(0x08000000, new byte[] { 1, 2 });
        await session.ProgramAsync(first);
        var second = new MemoryImage();
        second.Add(0x08000000, new byte[] { 3 });
        await session.ProgramAsync(second);
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task EraseRange_AlignsToTheMapBlockSize()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake(MapFeatures, memoryMap: TestDevices.ServerFlashMap, crcProbe: 0x08000000);
        server.Expect("vFlashErase:8000800,1000").Reply("OK");
        server.Expect("vFlashDone").Reply("OK");
        await using var session = await ConnectAsync(server, TestDevices.ServerFlash);
        await session.EraseRangeAsync(0x08000900, 0x08001001);
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task EraseRange_ServerRefuses_NamesTheAddress()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake(MapFeatures, memoryMap: TestDevices.ServerFlashMap, crcProbe: 0x08000000);
        server.Expect("vFlashErase:8000000,800").Reply("E05");
        await using var session = await ConnectAsync(server, TestDevices.ServerFlash);
        var ex = await Should.ThrowAsync<TargetException>(session.EraseRangeAsync(0x08000000, 0x08000004));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} answered E05 to erasing 2048 bytes of flash at 0x08000000.");
        ex.Address.ShouldBe(0x08000000UL);
    }

    [Fact]
    public async Task EraseRange_OutsideFlash_Throws()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake(MapFeatures, memoryMap: TestDevices.ServerFlashMap, crcProbe: 0x08000000);
        await using var session = await ConnectAsync(server, TestDevices.ServerFlash);
        var ex = await Should.ThrowAsync<TargetException>(session.EraseRangeAsync(0x20000000, 0x20000100));
        ex.Message.ShouldBe("The server's memory map has no flash between 0x20000000 and 0x20000100.");
    }

    [Fact]
    public async Task FlashDone_Fails_NamesTheFirstAddress()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake(MapFeatures, memoryMap: TestDevices.ServerFlashMap, crcProbe: 0x08000000);
        server.Expect("vFlashErase:8000000,800").Reply("OK");
        server.ExpectPrefix("vFlashWrite:8000010:").Reply("OK");
        server.Expect("vFlashDone").Reply("E08");
        await using var session = await ConnectAsync(server, TestDevices.ServerFlash);
        var image = new MemoryImage();
        image.Add(0x08000010, new byte[16]);
        var ex = await Should.ThrowAsync<TargetException>(session.ProgramAsync(image));
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} answered E08 to finishing the flash writes from 0x08000010 (vFlashDone).");
    }

    [Fact]
    public async Task Verify_WithQcrc_ComparesMpeg2Crcs()
    {
        await using var server = FakeGdbServer.Start();
        var data = new byte[100];
        new Random(9).NextBytes(data);
        server.Handshake(MapFeatures, memoryMap: TestDevices.ServerFlashMap, crc: true, crcProbe: 0x08000000);
        server.Expect("qCRC:8000000,64").Reply($"C{Crc32Mpeg2.Compute(data):x8}");
        await using var session = await ConnectAsync(server, TestDevices.ServerFlash);
        session.Info.ServerCrc.ShouldBeTrue();
        var image = new MemoryImage();
        image.Add(0x08000000, data);
        await session.VerifyAsync(image);
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task Verify_QcrcDiffers_ReadsBackAndNamesTheFirstDifferingAddress()
    {
        await using var server = FakeGdbServer.Start();
        var data = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var onTarget = (byte[])data.Clone();
        onTarget[9] = 0xEE;
        server.Handshake(MapFeatures, memoryMap: TestDevices.ServerFlashMap, crc: true, crcProbe: 0x08000000);
        server.Expect("qCRC:8000000,10").Reply($"C{Crc32Mpeg2.Compute(onTarget):x8}");
        server.Expect("m8000000,10").Reply(Convert.ToHexStringLower(onTarget));
        await using var session = await ConnectAsync(server, TestDevices.ServerFlash);
        var image = new MemoryImage();
        image.Add(0x08000000, data);
        var ex = await Should.ThrowAsync<TargetException>(session.VerifyAsync(image));
        ex.Message.ShouldBe("Verify failed at 0x08000009: the target holds 0xEE where the image has 0x09.");
        ex.Address.ShouldBe(0x08000009UL);
    }

    [Fact]
    public async Task Verify_QcrcErrorReply_FallsBackToReadBack()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake(MapFeatures, memoryMap: TestDevices.ServerFlashMap, crc: true, crcProbe: 0x08000000);
        server.Expect("qCRC:8000000,4").Reply("E01");
        server.Expect("m8000000,4").Reply("0a0b0c0d");
        await using var session = await ConnectAsync(server, TestDevices.ServerFlash);
        var image = new MemoryImage();
        image.Add(0x08000000, new byte[] { 10, 11, 12, 13 });
        await session.VerifyAsync(image);
        await server.AssertCompletedAsync();
    }

    [Fact]
    public async Task Verify_WithoutQcrc_ReadsBack()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=1000");
        server.Expect("m0,5").Reply("0102030405");
        server.Expect("m20000000,2").Reply("0607");
        await using var session = await ConnectAsync(server);
        var image = new MemoryImage();
        image.Add(0, new byte[] { 1, 2, 3, 4, 5 });
        image.Add(0x20000000, new byte[] { 6, 8 });
        var progress = new List<TargetProgress>();
        var ex = await Should.ThrowAsync<TargetException>(session.VerifyAsync(image, new Collect(progress)));
        ex.Message.ShouldBe("Verify failed at 0x20000001: the target holds 0x07 where the image has 0x08.");
        progress.ShouldBe([new TargetProgress("verify", 0, 7), new TargetProgress("verify", 5, 7)]);
    }

    [Fact]
    public async Task Program_WithoutFlashMap_UsesMemoryWrites()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=1000");
        server.Expect("X0,0:").Reply("");
        server.Expect("M0,4:00000120").Reply("OK");
        server.Expect("M3f000,4:2a000000").Reply("OK");
        await using var session = await ConnectAsync(server);
        var image = new MemoryImage();
        image.Add(0, new byte[] { 0, 0, 1, 0x20 });
        image.Add(0x3F000, new byte[] { 42, 0, 0, 0 });
        var progress = new List<TargetProgress>();
        await session.ProgramAsync(image, new Collect(progress));
        await server.AssertCompletedAsync();
        progress.ShouldBe([new TargetProgress("program", 0, 8), new TargetProgress("program", 4, 8), new TargetProgress("program", 8, 8)]);
    }

    [Fact]
    public async Task EraseChip_NoMapAndNoEraseNeeded_IsReportedWithoutTraffic()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=1000");
        await using var session = await ConnectAsync(server);
        var progress = new List<TargetProgress>();
        await session.EraseChipAsync(new Collect(progress));
        progress.ShouldBe([new TargetProgress("erase", 0, 256 * 1024), new TargetProgress("erase", 256 * 1024, 256 * 1024)]);
        server.Received.Count.ShouldBe(4); // the handshake only
    }

    [Fact]
    public async Task EraseChip_NoMapForServerFlashDevice_Throws()
    {
        await using var server = FakeGdbServer.Start();
        server.Handshake("PacketSize=1000", crcProbe: 0x08000000);
        await using var session = await ConnectAsync(server, TestDevices.ServerFlash);
        var ex = await Should.ThrowAsync<TargetException>(session.EraseChipAsync());
        ex.Message.ShouldBe($"The debug server at 127.0.0.1:{server.Port} offers no flash memory map, so the flash of TEST-FLASH at 0x08000000 cannot be erased through it.");
    }

    private sealed class Collect(List<TargetProgress> list) : IProgress<TargetProgress>
    {
        public void Report(TargetProgress value) => list.Add(value);
    }
}
