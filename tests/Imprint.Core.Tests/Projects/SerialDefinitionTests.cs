using Imprint.Projects;

namespace Imprint.Tests.Projects;

public sealed class SerialDefinitionTests
{
    [Theory]
    [InlineData(1000UL, 1UL, 0L, 1000UL)]
    [InlineData(1000UL, 1UL, 5L, 1005UL)]
    [InlineData(100UL, 10UL, 3L, 130UL)]
    [InlineData(7UL, 0UL, 1_000_000L, 7UL)]
    public void ValueAt_IsStartPlusIndexTimesStep(ulong start, ulong step, long index, ulong expected) =>
        new SerialDefinition("sn", "p", 0, 4, SerialEncoding.BinaryLittleEndian, start, step, null).ValueAt(index).ShouldBe(expected);

    [Fact]
    public void ValueAt_NegativeIndex_IsAMisuse() =>
        Should.Throw<ArgumentOutOfRangeException>(() =>
            new SerialDefinition("sn", "p", 0, 4, SerialEncoding.BinaryLittleEndian, 1, 1, null).ValueAt(-1));

    [Fact]
    public void ValueAt_PastTwoToTheSixtyFour_IsASerialError()
    {
        var def = new SerialDefinition("sn", "p", 0, 8, SerialEncoding.BinaryLittleEndian, ulong.MaxValue - 1, 2, null);
        def.ValueAt(0).ShouldBe(ulong.MaxValue - 1);
        var ex = Should.Throw<SerialException>(() => def.ValueAt(1));
        ex.Message.ShouldBe("serial 'sn': the number at index 1 (18446744073709551614 + 1 × 2) exceeds 18446744073709551615.");
    }

    [Fact]
    public void End_IsAddressPlusWidth() =>
        new SerialDefinition("sn", "p", 0x3F000, 4, SerialEncoding.BinaryLittleEndian, 1, 1, null).End.ShouldBe(0x3F004UL);
}
