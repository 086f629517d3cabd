using Imprint.Targets;

namespace Imprint.Tests.Support;

/// <summary>Collects progress reports synchronously (Progress&lt;T&gt; posts them later, out of order with the test).</summary>
internal sealed class SyncProgress(List<TargetProgress> reports) : IProgress<TargetProgress>
{
    public void Report(TargetProgress value)
    {
        lock (reports) reports.Add(value);
    }
}
