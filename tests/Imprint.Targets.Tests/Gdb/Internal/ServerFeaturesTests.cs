using Imprint.Targets.Gdb.Internal;

namespace Imprint.Tests.Gdb.Internal;

public sealed class ServerFeaturesTests
{
    [Fact]
    public void Parse_OpenOcdReply()
    {
        var f = ServerFeatures.Parse("PacketSize=3fff;qXfer:memory-map:read+;qXfer:features:read+;qXfer:threads:read+;QStartNoAckMode+;vContSupported+");
        f.PacketSize.ShouldBe(0x3fff);
        f.Supports("QStartNoAckMode").ShouldBeTrue();
        f.Supports("qXfer:memory-map:read").ShouldBeTrue();
        f.Supports("multiprocess").ShouldBeFalse();
    }

    [Fact]
    public void Parse_MinusAndQueryAreNotSupport()
    {
        var f = ServerFeatures.Parse("swbreak-;hwbreak?;PacketSize=zz");
        f.Supports("swbreak").ShouldBeFalse();
        f.Supports("hwbreak").ShouldBeFalse();
        f.PacketSize.ShouldBeNull();
        f.Features["hwbreak"].ShouldBe("?");
    }
}
