using System.Text;
using Imprint.Devices;
using Imprint.Devices.Cmsis;
using Imprint.Testing;

namespace Imprint.Tests.Devices.Cmsis;

public sealed class PackReaderFuzzTests
{
    [Fact]
    public async Task Read_MutatedPdsc_GivesOnlyDeviceExceptions()
    {
        var files = new Dictionary<string, ReadOnlyMemory<byte>> { ["Flash/Test.FLM"] = (await TestFlashAlgorithm.GetAsync()).Bytes };
        int accepted = 0, refused = 0;
        for (int i = 0; i < 1500; i++)
        {
            string pdsc = new Mutator(i).Text(TestPack.Pdsc, "<>/=\"'&;!?x0123456789ABCDEF-");
            try
            {
                PackReader.Read(pdsc, "fuzz.pdsc", files);
                accepted++;
            }
            catch (DeviceException ex)
            {
                ex.Message.ShouldStartWith("fuzz.pdsc");
                refused++;
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"seed {i}: {ex.GetType().Name} for input:\n{pdsc}", ex);
            }
        }

        accepted.ShouldBeGreaterThan(0);
        refused.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Read_MutatedAlgorithm_GivesOnlyDeviceExceptions()
    {
        var original = (await TestFlashAlgorithm.GetAsync()).Bytes;
        int accepted = 0, refused = 0;
        for (int i = 0; i < 5000; i++)
        {
            var bytes = new Mutator(i).Bytes(original, [0, 0xFF, 0x7F, 0x80, 0x01]);
            try
            {
                FlmReader.Read(bytes, "fuzz.FLM");
                accepted++;
            }
            catch (DeviceException ex)
            {
                ex.Message.ShouldStartWith("fuzz.FLM");
                refused++;
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"seed {i}: {ex.GetType().Name}: {ex.Message} ({bytes.Length} bytes, {Convert.ToHexString(bytes)})", ex);
            }
        }

        accepted.ShouldBeGreaterThan(0);
        refused.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task ReadAsync_MutatedPackArchive_GivesOnlyDeviceExceptions()
    {
        var algorithm = (await TestFlashAlgorithm.GetAsync()).Bytes;
        using var temp = new TempDirectory();
        var original = File.ReadAllBytes(TestPack.WriteArchive(temp.File("original.pack"), TestPack.Pdsc, new Dictionary<string, byte[]> { ["Flash/Test.FLM"] = algorithm }));
        string path = temp.File("fuzz.pack");
        int refused = 0;
        for (int i = 0; i < 400; i++)
        {
            var bytes = new Mutator(i).Bytes(original, [0, 0xFF, (byte)'P', (byte)'K']);
            if (bytes.Length < 4) continue;
            bytes[0] = (byte)'P';
            bytes[1] = (byte)'K';
            bytes[2] = 3;
            bytes[3] = 4;
            File.WriteAllBytes(path, bytes);
            try
            {
                await PackReader.ReadAsync(path, CancellationToken.None);
            }
            catch (DeviceException)
            {
                refused++;
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"seed {i}: {ex.GetType().Name}: {ex.Message}", ex);
            }
        }

        refused.ShouldBeGreaterThan(0);
    }
}
