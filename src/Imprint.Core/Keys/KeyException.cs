namespace Imprint.Keys;

/// <summary>
/// A key file or key value is missing, malformed or of the wrong kind. The message names the
/// file and what is wrong with it.
/// </summary>
public sealed class KeyException : ImprintException
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">One sentence naming the key file and the problem.</param>
    public KeyException(string message) : base(message) { }

    /// <summary>Initializes a new instance with a message and the error that caused it.</summary>
    /// <param name="message">One sentence naming the key file and the problem.</param>
    /// <param name="innerException">The underlying error.</param>
    public KeyException(string message, Exception? innerException) : base(message, innerException) { }
}
