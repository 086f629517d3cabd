using System.Text;
using Imprint.Checksums;

namespace Imprint.Tests.Checksums;

public sealed class Crc32Mpeg2Tests
{
    [Fact]
    public void Compute_CheckValue() => Crc32Mpeg2.Compute("123456789"u8).ShouldBe(0x0376E6E7u);

    [Fact]
    public void Compute_Empty_IsInitialValue() => Crc32Mpeg2.Compute([]).ShouldBe(0xFFFFFFFFu);

    [Fact]
    public void Compute_DiffersFromZlibCrc() => Crc32Mpeg2.Compute("123456789"u8).ShouldNotBe(Crc32.Compute("123456789"u8));

    [Fact]
    public void Compute_MatchesBitwiseDefinition()
    {
        var data = new byte[1000];
        new Random(42).NextBytes(data);
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= (uint)b << 24;
            for (int k = 0; k < 8; k++) crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
        }

        Crc32Mpeg2.Compute(data).ShouldBe(crc);
    }

    [Fact]
    public void Append_EqualsWholeComputation()
    {
        var data = Encoding.ASCII.GetBytes(new string('q', 777) + "tail");
        Crc32Mpeg2.Append(Crc32Mpeg2.Compute(data.AsSpan(0, 100)), data.AsSpan(100)).ShouldBe(Crc32Mpeg2.Compute(data));
    }
}
