namespace Imprint.Testing;

/// <summary>What an external tool did: its exit code and everything it printed.</summary>
public sealed record ExternalToolResult(int ExitCode, string StdOut, string StdErr);
