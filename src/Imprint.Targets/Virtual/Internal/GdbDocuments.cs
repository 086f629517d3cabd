using System.Text;
using Imprint.Devices;

namespace Imprint.Targets.Virtual.Internal;

/// <summary>The XML documents the virtual target's GDB server offers through <c>qXfer</c>.</summary>
internal static class GdbDocuments
{
    /// <summary>GDB's remote register number of xPSR in the m-profile feature (as QEMU and GDB number it).</summary>
    public const int XpsrRegisterNumber = 25;

    /// <summary>
    /// The target description: GDB's standard <c>org.gnu.gdb.arm.m-profile</c> feature. With xPSR
    /// at 25 and nothing between, the <c>g</c> packet holds r0–r15 then xPSR, 17 words.
    /// </summary>
    public static byte[] TargetXml { get; } = Encoding.ASCII.GetBytes(BuildTargetXml());

    /// <summary>
    /// The memory map: one <c>flash</c> element per sector run (GDB takes one block size per
    /// element); memory that needs no erase (QEMU-like flash, OTP, register-written option
    /// bytes) as <c>ram</c>, since plain writes program it; ROM as <c>rom</c>.
    /// </summary>
    public static byte[] MemoryMap(Device device)
    {
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\"?>\n");
        xml.Append("<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\" \"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n");
        xml.Append("<memory-map>\n");
        foreach (var region in device.Memory)
        {
            bool flash = region.Kind is MemoryKind.Flash or MemoryKind.OptionBytes or MemoryKind.Otp && region.RequiresErase;
            if (!flash)
            {
                string type = region.Kind == MemoryKind.Rom ? "rom" : "ram";
                xml.Append($"  <memory type=\"{type}\" start=\"0x{region.Start:x}\" length=\"0x{region.Size:x}\"/>\n");
                continue;
            }

            var runs = region.Sectors.Count == 0 ? [new SectorRun(0, region.Size)] : region.Sectors;
            for (int i = 0; i < runs.Count; i++)
            {
                ulong end = i + 1 < runs.Count ? runs[i + 1].Offset : region.Size;
                xml.Append($"  <memory type=\"flash\" start=\"0x{region.Start + runs[i].Offset:x}\" length=\"0x{end - runs[i].Offset:x}\">\n");
                xml.Append($"    <property name=\"blocksize\">0x{runs[i].Size:x}</property>\n");
                xml.Append("  </memory>\n");
            }
        }

        xml.Append("</memory-map>\n");
        return Encoding.ASCII.GetBytes(xml.ToString());
    }

    private static string BuildTargetXml()
    {
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n");
        xml.Append("  <architecture>arm</architecture>\n  <feature name=\"org.gnu.gdb.arm.m-profile\">\n");
        for (int i = 0; i < 13; i++) xml.Append($"    <reg name=\"r{i}\" bitsize=\"32\" regnum=\"{i}\"/>\n");
        xml.Append("    <reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\" regnum=\"13\"/>\n");
        xml.Append("    <reg name=\"lr\" bitsize=\"32\" regnum=\"14\"/>\n");
        xml.Append("    <reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\" regnum=\"15\"/>\n");
        xml.Append($"    <reg name=\"xpsr\" bitsize=\"32\" regnum=\"{XpsrRegisterNumber}\"/>\n");
        xml.Append("  </feature>\n</target>\n");
        return xml.ToString();
    }
}
