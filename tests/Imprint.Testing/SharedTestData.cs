namespace Imprint.Testing;

/// <summary>
/// Read-only test inputs that live beside the repository, in the <c>shared/</c> folder of the
/// checkout's parent (for example the vendor's STM32F4xx CMSIS pack description). Tests read
/// them in place and never copy them into the project.
/// </summary>
public static class SharedTestData
{
    /// <summary>Gets the STM32F4xx Device Family Pack description (149 devices).</summary>
    public static string Stm32F4Pdsc => Find(Stm32F4PdscRelative);

    /// <summary>Gets a value indicating whether the STM32F4xx pack description is reachable on this machine.</summary>
    public static bool HasStm32F4Pdsc => TryFind(Stm32F4PdscRelative) is not null;

    private static string Stm32F4PdscRelative => Path.Combine("cmsis", "STM32F4xx_DFP", "Keil.STM32F4xx_DFP.pdsc");

    /// <summary>Returns the path of a file under <c>shared/</c>, looking in <c>$IMPRINT_SHARED_DIR</c> and then above the repository.</summary>
    public static string Find(string relative) =>
        TryFind(relative) ?? throw new InvalidOperationException(
            $"shared test data {relative} was not found in $IMPRINT_SHARED_DIR, a shared/ folder above {RepositoryRoot.Path} or /work/shared.");

    /// <summary>Returns the path of a file under <c>shared/</c>, or <see langword="null"/> when this machine does not have it.</summary>
    public static string? TryFind(string relative)
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

        // CI clones the repository elsewhere; the workplace keeps the shared folder here.
        string fixedPlace = Path.Combine("/work/shared", relative);
        return File.Exists(fixedPlace) ? fixedPlace : null;
    }
}
