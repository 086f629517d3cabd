using Imprint.Cloud.Dashboard.Pages;

namespace Imprint.Tests.Dashboard.Pages;

public sealed class SignInEndpointsTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/jobs/blinky-1?confirm=delete", "/jobs/blinky-1?confirm=delete")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("/\t/evil.example/", "/")]
    [InlineData("jobs/x", "/")]
    public void LocalUrl_KeepsOnlyPathsOnThisSite(string? returnUrl, string expected) =>
        SignInEndpoints.LocalUrl(returnUrl).ShouldBe(expected);
}
