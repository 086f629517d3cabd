namespace Imprint.Devices;

/// <summary>
/// A device description, a CMSIS pack or a flash algorithm is malformed or names something
/// that does not exist. The message names the file and the field (for example
/// <c>lm3s.yaml: memory[1].sectors[0].size must be a power of two, not 0x300.</c>).
/// </summary>
public sealed class DeviceException : ImprintException
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">One sentence naming the file or field and the problem.</param>
    public DeviceException(string message) : base(message) { }

    /// <summary>Initializes a new instance with a message and the error that caused it.</summary>
    /// <param name="message">One sentence naming the file or field and the problem.</param>
    /// <param name="innerException">The underlying error.</param>
    public DeviceException(string message, Exception? innerException) : base(message, innerException) { }
}
