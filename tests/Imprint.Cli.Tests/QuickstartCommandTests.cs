namespace Imprint.Tests;

public sealed class QuickstartCommandTests
{
    [Fact]
    public async Task UnknownCommand_FailsWithNonZeroExit()
    {
        var result = await CliRunner.RunAsync("no-such-command");
        result.ExitCode.ShouldNotBe(0);
    }
}
