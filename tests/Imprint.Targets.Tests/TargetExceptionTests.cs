using Imprint.Targets;

namespace Imprint.Tests;

public sealed class TargetExceptionTests
{
    [Fact]
    public void Carries_AddressAndTransience()
    {
        var ex = new TargetException("verify failed at 0x00000010.", isTransient: true, address: 0x10);
        ex.IsTransient.ShouldBeTrue();
        ex.Address.ShouldBe(0x10UL);
        ex.ShouldBeAssignableTo<ImprintException>();
    }
}
