using System.Text;
using Imprint.Checksums;

namespace Imprint.Tests.Checksums;

public sealed class Crc32Tests
{
    [Fact]
    public void Compute_CheckValue() => Crc32.Compute("123456789"u8).ShouldBe(0xCBF43926u);

    [Fact]
    public void Append_EqualsWholeComputation()
    {
        var data = Encoding.ASCII.GetBytes(new string('x', 1000) + "tail bytes not a multiple of eight");
        Crc32.Append(Crc32.Compute(data.AsSpan(0, 333)), data.AsSpan(333)).ShouldBe(Crc32.Compute(data));
    }

    [Fact]
    public void Compute_Empty_IsZero() => Crc32.Compute([]).ShouldBe(0u);
}
