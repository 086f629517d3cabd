namespace Imprint;

/// <summary>
/// The root of every error caused by a user's input (a file, a project, an image, a key, a
/// target): its <see cref="Exception.Message"/> is one clear sentence that names the file or
/// field and says what is wrong, fit to print without a stack trace.
/// </summary>
/// <remarks>Bugs are reported with the BCL's own exceptions, never with this type.</remarks>
public class ImprintException : Exception
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">One sentence naming the file or field and the problem.</param>
    public ImprintException(string message) : base(message) { }

    /// <summary>Initializes a new instance with a message and the error that caused it.</summary>
    /// <param name="message">One sentence naming the file or field and the problem.</param>
    /// <param name="innerException">The underlying error.</param>
    public ImprintException(string message, Exception? innerException) : base(message, innerException) { }
}
