namespace Imprint.Projects;

/// <summary>An object bundle (<c>.impobj</c>) is not a bundle, is damaged, or is of a newer format.</summary>
public sealed class BundleException : ImprintException
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">One sentence naming the bundle and the problem.</param>
    public BundleException(string message) : base(message) { }

    /// <summary>Initializes a new instance with a message and the error that caused it.</summary>
    /// <param name="message">One sentence naming the bundle and the problem.</param>
    /// <param name="innerException">The underlying error.</param>
    public BundleException(string message, Exception? innerException) : base(message, innerException) { }
}
