namespace Imprint.Images;

/// <summary>
/// An image cannot be written, read, verified or decrypted: it is malformed, damaged, modified,
/// signed by an untrusted key or encrypted with a key this machine does not hold. The message
/// names the image and the problem in one sentence.
/// </summary>
public sealed class ImageException : ImprintException
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">One sentence naming the image and the problem.</param>
    public ImageException(string message) : base(message) { }

    /// <summary>Initializes a new instance with a message and the error that caused it.</summary>
    /// <param name="message">One sentence naming the image and the problem.</param>
    /// <param name="innerException">The underlying error.</param>
    public ImageException(string message, Exception? innerException) : base(message, innerException) { }
}
