using Imprint.Checksums;
using Imprint.Images.Internal;

namespace Imprint.Tests.Images.Internal;

public sealed class Crc32FoldingTests
{
    [Fact]
    public void Append_MatchesTheTableImplementationForEveryLengthAndAlignment()
    {
        var data = new byte[3000];
        new Random(7).NextBytes(data);
        for (int offset = 0; offset < 17; offset++)
        {
            for (int length = 0; length + offset <= data.Length; length += length < 300 ? 1 : 97)
            {
                var span = data.AsSpan(offset, length);
                Crc32Folding.Append(0, span).ShouldBe(Crc32.Compute(span), $"offset {offset}, length {length}");
            }
        }
    }

    [Fact]
    public void Append_ContinuesAcrossBlocks()
    {
        var data = new byte[1 << 20];
        new Random(8).NextBytes(data);
        uint crc = 0;
        for (int at = 0; at < data.Length; at += 65_537) crc = Crc32Folding.Append(crc, data.AsSpan(at, Math.Min(65_537, data.Length - at)));

        crc.ShouldBe(Crc32.Compute(data));
    }

    [Fact]
    public void Append_CheckValue()
    {
        byte[] text = [.. "123456789123456789123456789123456789123456789123456789123456789123456789"u8];
        Crc32Folding.Append(0, text).ShouldBe(Crc32.Compute(text));
        Crc32Folding.Append(0, "123456789"u8).ShouldBe(0xCBF43926u);
    }

    [Fact]
    public void Append_WidePathMatchesNarrowPathAndTable()
    {
        var data = new byte[20_000];
        new Random(9).NextBytes(data);
        for (int length = 0; length <= data.Length; length += length < 1200 ? 1 : 331)
        {
            var span = data.AsSpan(3, Math.Min(length, data.Length - 3));
            uint expected = Crc32.Compute(span);
            Crc32Folding.Append(0x1234_5678, span).ShouldBe(Crc32.Append(0x1234_5678, span), $"length {length}");
            Crc32Folding.Append128(0, span).ShouldBe(expected, $"length {length}");
        }
    }

    [Theory]
    [InlineData(Crc32Folding.K544, 544)]
    [InlineData(Crc32Folding.K480, 480)]
    [InlineData(Crc32Folding.K160, 160)]
    [InlineData(Crc32Folding.K96, 96)]
    [InlineData(Crc32Folding.K64, 64)]
    [InlineData(Crc32Folding.K2080, 2080)]
    [InlineData(Crc32Folding.K2016, 2016)]
    [InlineData(Crc32Folding.K416, 416)]
    [InlineData(Crc32Folding.K352, 352)]
    [InlineData(Crc32Folding.K288, 288)]
    [InlineData(Crc32Folding.K224, 224)]
    public void Constant_IsReflectedXToTheNModPShiftedByOne(ulong constant, int n)
    {
        const ulong P = 0x1_04C1_1DB7;
        ulong r = 1;
        for (int i = 0; i < n; i++)
        {
            r <<= 1;
            if ((r & 0x1_0000_0000) != 0) r ^= P;
        }

        ulong reflected = 0;
        for (int bit = 0; bit < 32; bit++)
        {
            if ((r & (1UL << bit)) != 0) reflected |= 1UL << (31 - bit);
        }

        constant.ShouldBe(reflected << 1);
    }
}
