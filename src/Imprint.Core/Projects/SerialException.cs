namespace Imprint.Projects;

/// <summary>
/// A serial number cannot be produced or encoded: its definition is invalid, or the number
/// does not fit the definition's width and encoding (the pool is exhausted).
/// </summary>
public sealed class SerialException : ImprintException
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">One sentence naming the serial and the problem.</param>
    public SerialException(string message) : base(message) { }
}
