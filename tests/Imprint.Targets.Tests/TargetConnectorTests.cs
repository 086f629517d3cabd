using Imprint.Targets;
using Imprint.Targets.Virtual;
using Imprint.Tests.Support;

namespace Imprint.Tests;

public sealed class TargetConnectorTests
{
    [Fact]
    public async Task Virtual_OpensInProcessSessionForTheDevice()
    {
        await using var session = await TargetConnector.OpenAsync("virtual://LM3S6965", TestDevices.Lm3s6965());
        var v = session.ShouldBeOfType<VirtualTargetSession>();
        v.Mcu.Device.Name.ShouldBe("LM3S6965");
        v.Mcu.Seed.ShouldBe(0UL);
        session.Info.Url.OriginalString.ShouldBe("virtual://LM3S6965");
    }

    [Fact]
    public async Task Virtual_SeedAndCaseInsensitiveName()
    {
        await using var session = await TargetConnector.OpenAsync(new Uri("virtual://testpart?seed=42"), TestDevices.Everything());
        ((VirtualTargetSession)session).Mcu.Seed.ShouldBe(42UL);
    }

    [Fact]
    public async Task Virtual_NameWithUnderscore_IsTakenAsWritten()
    {
        var device = TestDevices.Lm3s6965() with { Name = "nRF52840_xxAA" };
        await using var session = await TargetConnector.OpenAsync("virtual://nRF52840_xxAA?seed=7", device);
        ((VirtualTargetSession)session).Mcu.Seed.ShouldBe(7UL);
    }

    [Fact]
    public async Task Virtual_EachOpenIsAFreshPart()
    {
        await using var first = await TargetConnector.OpenAsync("virtual://LM3S6965", TestDevices.Lm3s6965());
        await first.WriteMemoryAsync(0x2000_0000, new byte[] { 1 });
        await using var second = await TargetConnector.OpenAsync("virtual://LM3S6965", TestDevices.Lm3s6965());
        var b = new byte[1];
        await second.ReadMemoryAsync(0x2000_0000, b);
        b[0].ShouldBe((byte)0);
    }

    [Fact]
    public async Task Virtual_OtherDevice_IsRefused() =>
        (await Should.ThrowAsync<TargetException>(() => TargetConnector.OpenAsync("virtual://STM32F103C8", TestDevices.Lm3s6965())))
            .Message.ShouldBe("target URL 'virtual://STM32F103C8' names device STM32F103C8, but the device to program is LM3S6965.");

    [Fact]
    public async Task Virtual_BadSeed_IsRefused() =>
        (await Should.ThrowAsync<TargetException>(() => TargetConnector.OpenAsync("virtual://LM3S6965?seed=-1", TestDevices.Lm3s6965())))
            .Message.ShouldBe("target URL 'virtual://LM3S6965?seed=-1' has seed '-1', which is not a whole number.");

    [Fact]
    public async Task Virtual_UnknownOption_IsRefused() =>
        (await Should.ThrowAsync<TargetException>(() => TargetConnector.OpenAsync("virtual://LM3S6965?speed=1", TestDevices.Lm3s6965())))
            .Message.ShouldBe("target URL 'virtual://LM3S6965?speed=1' has unknown option 'speed'; only seed=N is supported.");

    [Theory]
    [InlineData("serial:///dev/ttyUSB0")]
    [InlineData("not a url")]
    [InlineData("http://localhost:3333")]
    public async Task UnknownScheme_SaysWhatIsSupported(string url) =>
        (await Should.ThrowAsync<TargetException>(() => TargetConnector.OpenAsync(url, TestDevices.Lm3s6965())))
            .Message.ShouldBe($"target URL '{url}' is not supported; use gdb://HOST:PORT or virtual://DEVICE.");
}
