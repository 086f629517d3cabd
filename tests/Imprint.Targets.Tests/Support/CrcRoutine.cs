using System.Globalization;
using Imprint.Testing;

namespace Imprint.Tests.Support;

/// <summary>
/// A small test routine built by the real arm-none-eabi-gcc to run from SRAM: it computes the
/// CRC-32/MPEG-2 of a memory range into r0 and then spins on the label <c>done</c> (a BKPT would
/// not stop an M-profile core under QEMU, so the caller sets a breakpoint there).
/// </summary>
internal sealed record CrcRoutine(byte[] Code, ulong LoadAddress, ulong Entry, ulong Done)
{
    private const string Source = """
        #include <stdint.h>

        uint32_t crc32_mpeg2(const uint8_t *p, uint32_t n)
        {
            uint32_t crc = 0xFFFFFFFFu;
            while (n--) {
                crc ^= (uint32_t)*p++ << 24;
                for (int k = 0; k < 8; k++) crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
            }
            return crc;
        }

        /* r0 = start, r1 = length on entry; the CRC is left in r0. */
        __attribute__((naked, noreturn)) void start(void)
        {
            __asm__ volatile(
                "bl crc32_mpeg2\n"
                ".global done\n"
                "done: b done\n");
        }
        """;

    public static async Task<CrcRoutine> BuildAsync(TempDirectory dir, ulong loadAddress)
    {
        string c = dir.File("crc.c"), elf = dir.File("crc.elf"), bin = dir.File("crc.bin");
        await File.WriteAllTextAsync(c, Source);
        await ExternalTool.RunCheckedAsync("arm-none-eabi-gcc", [
            "-mcpu=cortex-m3", "-mthumb", "-O2", "-ffreestanding", "-nostdlib", "-nostartfiles",
            $"-Wl,-Ttext=0x{loadAddress:X8}", "-Wl,-estart", "-o", elf, c]);
        await ExternalTool.RunCheckedAsync("arm-none-eabi-objcopy", ["-O", "binary", "-j", ".text", elf, bin]);
        var symbols = (await ExternalTool.RunCheckedAsync("arm-none-eabi-nm", [elf])).StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(f => f.Length == 3)
            .ToDictionary(f => f[2], f => ulong.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        return new CrcRoutine(await File.ReadAllBytesAsync(bin), loadAddress, symbols["start"], symbols["done"]);
    }
}
