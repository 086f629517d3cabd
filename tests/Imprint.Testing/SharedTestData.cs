namespace Imprint.Testing;

/// <summary>
/// Read-only test inputs that live beside the repository, in the <c>shared/</c> folder of the
/// checkout's parent (for example the vendor's STM32F4xx CMSIS pack description). Tests read
/// them in place and never copy them into the project.
/// </summary>
public static class SharedTestData
{
    /// <summary>Gets the STM32F4xx Device Family Pack description (149 devices).</summary>
    public static string Stm32F4Pdsc => Find(Path.Combine("cmsis", "STM32F4xx_DFP", "Keil.STM32F4xx_DFP.pdsc"));

    /// <summary>Returns the path of a file under <c>shared/</c>, looking in <c>$IMPRINT_SHARED_DIR</c> and then above the repository.</summary>
    public static string Find(string relative)
    {
        if (Environment.GetEnvironmentVariable("IMPRINT_SHARED_DIR") is { Length: > 0 } dir && File.Exists(Path.Combine(dir, relative)))
        {
            return Path.Combine(dir, relative);
        }

        for (var at = new DirectoryInfo(RepositoryRoot.Path); at is not null; at = at.Parent)
        {
            string candidate = Path.Combine(at.FullName, "shared", relative);
            if (File.Exists(candidate)) return candidate;
        }

        throw new InvalidOperationException($"shared test data {relative} was not found in $IMPRINT_SHARED_DIR or a shared/ folder above {RepositoryRoot.Path}.");
    }
}
