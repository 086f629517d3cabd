using Imprint.Projects;

namespace Imprint.Tests.Projects;

public sealed class ProjectOverridesTests
{
    private static readonly Project Job = ProjectReader.Parse(
        "name: x\ndevice: d\ntype: job\nscript: [reset]\ncloud: { account: a, factory: f, url: https://c.example }\nrestrictions: { maxCount: 10, validFrom: 2025-01-01 }\n",
        "/p/imprint.yaml");

    private static readonly Project Sap = ProjectReader.Parse("name: x\ndevice: d\nscript: [reset]\n", "/p/imprint.yaml");

    [Fact]
    public void ApplyTo_Nothing_KeepsTheProject()
    {
        var p = new ProjectOverrides().ApplyTo(Job);
        p.Type.ShouldBe(ImageType.Job);
        p.Binding.ShouldBe(Job.Binding);
        p.Restrictions.ShouldBe(Job.Restrictions);
    }

    [Fact]
    public void ApplyTo_Sap_DropsTheBinding()
    {
        var p = new ProjectOverrides(ImageType.Sap).ApplyTo(Job);
        p.Type.ShouldBe(ImageType.Sap);
        p.Binding.ShouldBeNull();
    }

    [Fact]
    public void ApplyTo_OneBindingField_ChangesOnlyThatField() =>
        new ProjectOverrides(Factory: "line-9").ApplyTo(Job).Binding.ShouldBe(new CloudBinding("a", "line-9", "https://c.example"));

    [Fact]
    public void ApplyTo_RestrictionFields_ReplaceOnlyThoseGiven()
    {
        var until = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        new ProjectOverrides(MaxCount: 99, ValidUntil: until).ApplyTo(Job).Restrictions
            .ShouldBe(new Restrictions(99, Job.Restrictions.ValidFrom, until));
    }

    [Fact]
    public void ApplyTo_JobWithAnIncompleteBinding_NamesTheMissingField()
    {
        var ex = Should.Throw<ProjectException>(() => new ProjectOverrides(ImageType.Job, Account: "a", CloudUrl: "https://c").ApplyTo(Sap));
        ex.Message.ShouldBe("imprint.yaml: cloud.factory is required: the project has no cloud binding to complete, so give the account, factory and url.");
    }

    [Theory]
    [InlineData("2025-06-30", false, "2025-06-30T00:00:00.0000000+00:00")]
    [InlineData("2025-06-30", true, "2025-06-30T23:59:59.9999999+00:00")]
    [InlineData("2025-06-30T17:00:00Z", true, "2025-06-30T17:00:00.0000000+00:00")]
    [InlineData("2025-06-30T17:00:00+02:00", false, "2025-06-30T15:00:00.0000000+00:00")]
    [InlineData("2025-06-30T17:00:00", false, "2025-06-30T17:00:00.0000000+00:00")]
    public void TryParseDate_ReadsDatesAsProjectFilesDo(string text, bool endOfDay, string expected)
    {
        ProjectOverrides.TryParseDate(text, endOfDay, out var value).ShouldBeTrue();
        value.ToUniversalTime().ToString("o", System.Globalization.CultureInfo.InvariantCulture).ShouldBe(expected);
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("30/06/2025")]
    [InlineData("12")]
    [InlineData("06/30/2025 10:00")]
    [InlineData("2025-06-30T25:00:00")]
    public void TryParseDate_RefusesOtherText(string text) => ProjectOverrides.TryParseDate(text, false, out _).ShouldBeFalse();
}
