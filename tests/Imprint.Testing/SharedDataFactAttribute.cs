namespace Imprint.Testing;

/// <summary>
/// A fact that needs the vendor's STM32F4xx pack description from the shared folder beside the
/// repository; it is reported as skipped (with the reason) on a machine that does not have it,
/// rather than failing or passing without looking.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (!SharedTestData.HasStm32F4Pdsc)
        {
            Skip = "the shared STM32F4xx_DFP pack description is not on this machine (set IMPRINT_SHARED_DIR).";
        }
    }
}
