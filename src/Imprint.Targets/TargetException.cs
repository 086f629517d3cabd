namespace Imprint.Targets;

/// <summary>
/// A target operation failed. The message names the address involved as <c>0x{address:X8}</c>
/// where there is one.
/// </summary>
public sealed class TargetException : ImprintException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">One sentence saying what failed, with the address.</param>
    /// <param name="isTransient">Whether retrying (for example after reconnecting) may help.</param>
    /// <param name="address">The address involved, if any.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public TargetException(string message, bool isTransient = false, ulong? address = null, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
        Address = address;
    }

    /// <summary>Gets a value indicating whether retrying may help (a dropped connection, a timeout).</summary>
    public bool IsTransient { get; }

    /// <summary>Gets the address involved, if any.</summary>
    public ulong? Address { get; }
}
