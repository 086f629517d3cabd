namespace Imprint.Tests.Support;

/// <summary>Reports on the caller's thread, in order (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
