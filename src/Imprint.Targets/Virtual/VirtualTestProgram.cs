using System.Buffers.Binary;

namespace Imprint.Targets.Virtual;

/// <summary>
/// The built-in test programs of the virtual microcontroller. It runs no CPU, so a run-test
/// step places one of these 16-byte blocks in RAM, sets a breakpoint at the block's end
/// (<c>entry + 16</c>) and resumes at the block: the simulator "executes" it and stops at
/// the breakpoint with the result in <c>r0</c>, as a compiled routine ending in <c>b .</c> would.
/// </summary>
/// <remarks>
/// Layout, all words little-endian: magic <see cref="Magic"/> ("VTST"), opcode, argument 0,
/// argument 1. See <c>docs/virtual-target.md</c>.
/// </remarks>
public static class VirtualTestProgram
{
    /// <summary>The first word of every test program: the ASCII bytes "VTST".</summary>
    public const uint Magic = 0x54535456;

    /// <summary>The size of a test program in bytes; its breakpoint goes at <c>entry + Size</c>.</summary>
    public const int Size = 16;

    /// <summary>Opcode: CRC-32 (zlib) of <c>length</c> bytes from <c>start</c> into <c>r0</c>.</summary>
    public const uint OpCrc32 = 1;

    /// <summary>Opcode: report a pass (<c>r0</c> = 0).</summary>
    public const uint OpPass = 2;

    /// <summary>Opcode: report a failure (<c>r0</c> = the code in argument 0).</summary>
    public const uint OpFail = 3;

    /// <summary>Opcode: never finish, so the run times out.</summary>
    public const uint OpHang = 4;

    /// <summary>Builds a program that puts the CRC-32 (zlib) of a memory range into <c>r0</c>.</summary>
    /// <param name="start">The first address of the range.</param>
    /// <param name="length">The length of the range in bytes.</param>
    /// <returns>The 16 program bytes.</returns>
    public static byte[] Crc32(uint start, uint length) => Build(OpCrc32, start, length);

    /// <summary>Builds a program that reports a pass (<c>r0</c> = 0).</summary>
    /// <returns>The 16 program bytes.</returns>
    public static byte[] Pass() => Build(OpPass, 0, 0);

    /// <summary>Builds a program that reports a failure code in <c>r0</c>.</summary>
    /// <param name="code">The failure code.</param>
    /// <returns>The 16 program bytes.</returns>
    public static byte[] Fail(uint code) => Build(OpFail, code, 0);

    /// <summary>Builds a program that never reaches its breakpoint.</summary>
    /// <returns>The 16 program bytes.</returns>
    public static byte[] Hang() => Build(OpHang, 0, 0);

    private static byte[] Build(uint opcode, uint arg0, uint arg1)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), opcode);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), arg0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), arg1);
        return bytes;
    }
}
