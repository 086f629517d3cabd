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
}
