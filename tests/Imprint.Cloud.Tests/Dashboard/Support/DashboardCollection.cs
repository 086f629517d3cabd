namespace Imprint.Tests.Dashboard.Support;

/// <summary>The dashboard test classes share one cloud and one Chromium (starting a browser is the slow part); each test has its own context and account.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard";
}
