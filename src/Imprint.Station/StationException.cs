namespace Imprint.Station;

/// <summary>
/// A station refused or could not do what was asked because of the user's input or the
/// station's state (an unknown image, a missing key, a directory in use). The message is one
/// sentence naming what is wrong.
/// </summary>
public class StationException : ImprintException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">One sentence naming what is wrong.</param>
    public StationException(string message) : base(message) { }

    /// <summary>Initializes a new instance with the error that caused it.</summary>
    /// <param name="message">One sentence naming what is wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public StationException(string message, Exception? innerException) : base(message, innerException) { }
}
