using Imprint.Images;

namespace Imprint.Tests.Images;

public sealed class ImageIdTests
{
    [Fact]
    public void ToString_IsThe16BytesInHex()
    {
        var id = ImageId.FromBytes([0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF]);

        id.ToString().ShouldBe("00112233445566778899aabbccddeeff");
        ImageId.Parse("00112233445566778899AABBCCDDEEFF").ShouldBe(id);
        id.ToByteArray()[15].ShouldBe((byte)0xFF);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0011")]
    [InlineData("00112233445566778899aabbccddeefg")]
    [InlineData("00112233445566778899aabbccddeeff00")]
    public void TryParse_RejectsAnythingButThirtyTwoHexDigits(string? text) =>
        ImageId.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void New_IsRandom() => ImageId.New().ShouldNotBe(ImageId.New());
}
