using Imprint.Formats;
using Imprint.Formats.IntelHex;
using Imprint.Formats.SRecord;
using Imprint.Tests.Formats.Elf;
using Imprint.Testing;
using Xunit.Abstractions;

namespace Imprint.Tests.Formats;

/// <summary>
/// Mutates valid files tens of thousands of times and feeds each result to every reader: only
/// the typed user-input errors may come out, never an IndexOutOfRange, overflow or the like.
/// </summary>
public sealed class FuzzSmokeTests(ITestOutputHelper output)
{
    private const int Cases = 12_000;

    [Fact]
    public async Task Readers_MutatedValidFiles_OnlyTypedErrors()
    {
        var corpus = await SeedsAsync();
        var mutator = new Mutator(seed: 20_26, corpus);
        var formats = Enum.GetValues<FirmwareFormat>();
        int accepted = 0, refused = 0;
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

        for (int i = 0; i < Cases; i++)
        {
            var input = mutator.Next(out var how);
            foreach (FirmwareFormat? format in formats.Cast<FirmwareFormat?>().Append(null))
            {
                try
                {
                    var image = FirmwareFile.Read(input, "fuzz", format, binaryBaseAddress: 0x1000);
                    accepted++;

                    // Whatever was accepted must survive a write and a read back.
                    if (!image.IsEmpty)
                    {
                        var again = FirmwareFile.Read(FirmwareFile.ToBytes(image, FirmwareFormat.IntelHex), "again.hex");
                        if (!SameBytes(again, image)) again.ShouldHaveSameBytes(image);
                    }
                }
                catch (ImprintException ex)
                {
                    refused++;
                    ex.Message.ShouldNotBeNullOrWhiteSpace();
                    ex.Message.ShouldNotContain("\n");
                }
                catch (Exception ex)
                {
                    throw new Xunit.Sdk.XunitException(
                        $"case {i} ({how}) read as {format?.ToString() ?? "detected"} threw {ex.GetType().Name}: {ex.Message}\ninput: {Convert.ToHexString(input)}\n{ex}");
                }
            }
        }

        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        output.WriteLine($"{Cases} mutated inputs, {accepted} reads accepted, {refused} refused with a typed error ({cpu.TotalSeconds:F1} s CPU).");
        refused.ShouldBeGreaterThan(Cases);
        accepted.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void StreamReaders_MutatedValidFiles_SameOutcomeAsSpanReaders()
    {
        var corpus = new[] { Corpus.Bytes("IntelHex/valid.hex"), Corpus.Bytes("SRecord/valid.srec") };
        var mutator = new Mutator(seed: 7, corpus);
        for (int i = 0; i < 2_000; i++)
        {
            var input = mutator.Next(out _);
            Outcome(() => IntelHexReader.Read(input, "f")).ShouldBe(Outcome(() => IntelHexReader.Read(new MemoryStream(input), "f")));
            Outcome(() => SRecordReader.Read(input, "f")).ShouldBe(Outcome(() => SRecordReader.Read(new MemoryStream(input), "f")));
        }
    }

    private static bool SameBytes(Imprint.Memory.MemoryImage a, Imprint.Memory.MemoryImage b)
    {
        if (a.SegmentCount != b.SegmentCount) return false;
        for (int i = 0; i < a.SegmentCount; i++)
        {
            if (a.Segments[i].Start != b.Segments[i].Start || !a.Segments[i].Data.Span.SequenceEqual(b.Segments[i].Data.Span)) return false;
        }

        return true;
    }

    private static string Outcome(Func<Imprint.Memory.MemoryImage> read)
    {
        try
        {
            var image = read();
            return $"ok {image.TotalBytes} {image.SegmentCount} {image.EntryPoint}";
        }
        catch (ImprintException ex)
        {
            return ex.Message;
        }
    }

    private static async Task<List<byte[]>> SeedsAsync()
    {
        var sample = await SampleFirmware.GetAsync();
        var small = TestImages.RandomSparse(99);
        var tiny = small.Slice(0, 0x01000000);
        return
        [
            await File.ReadAllBytesAsync(sample.ElfPath),
            await File.ReadAllBytesAsync(sample.HexPath),
            await File.ReadAllBytesAsync(sample.SRecPath),
            Corpus.Bytes("IntelHex/valid.hex"),
            Corpus.Bytes("SRecord/valid.srec"),
            FirmwareFile.ToBytes(tiny, FirmwareFormat.IntelHex, new FirmwareWriteOptions { BytesPerRecord = 32 }),
            FirmwareFile.ToBytes(tiny, FirmwareFormat.SRecord),
            new ElfBuilder(is64: true, bigEndian: true) { Entry = 0x100 }.Load(0x100, 0x100, new byte[48]).NoBits(0x110, 8).Build(),
            new ElfBuilder(is64: false, bigEndian: false).Load(0x1000, 0, new byte[32]).Load(0x2000, 0, new byte[16]).NoBits(0x2004, 4).Build(),
        ];
    }
}
