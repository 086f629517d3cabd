namespace Imprint.Tests.Support;

/// <summary>A test that needs qemu-system-arm; skipped, saying so, only when QEMU is not installed.</summary>
internal sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "qemu-system-arm"))))
        {
            Skip = "qemu-system-arm is not installed (apt-get install qemu-system-arm; test.sh installs it).";
        }
    }
}
