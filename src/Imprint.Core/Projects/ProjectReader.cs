using System.Text;
using Imprint.Projects.Internal;

namespace Imprint.Projects;

/// <summary>
/// Reads project files (<c>imprint.yaml</c>). Reading checks the shape of every field (YAML
/// syntax, types, required fields, unknown fields and step kinds) and reports every problem
/// at once; the rules that need the device and the input files are checked when the project
/// is resolved.
/// </summary>
public static class ProjectReader
{
    /// <summary>The largest project file accepted, in bytes.</summary>
    public const int MaxFileSize = 4 << 20;

    /// <summary>Reads the project file at <paramref name="path"/>.</summary>
    /// <param name="path">The project file.</param>
    /// <returns>The project.</returns>
    /// <exception cref="ProjectException">The file is malformed; <see cref="ProjectException.Errors"/> lists every problem.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Project Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string displayName = Path.GetFileName(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"Could not find project file '{path}'.", path);
        if (info.Length > MaxFileSize)
        {
            throw new ProjectException(displayName, new ProjectError("", $"the file is {info.Length} bytes; a project file may be at most {MaxFileSize} bytes", 1, 1));
        }

        return Parse(File.ReadAllBytes(path), path, displayName);
    }

    /// <summary>Reads a project from its text.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="filePath">The path the project is taken to live at: relative input paths resolve against its folder.</param>
    /// <returns>The project.</returns>
    /// <exception cref="ProjectException">The text is malformed; <see cref="ProjectException.Errors"/> lists every problem.</exception>
    public static Project Parse(string text, string filePath)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(filePath);
        return ProjectParser.Parse(text, filePath, Path.GetFileName(filePath));
    }

    internal static Project Parse(byte[] bytes, string filePath, string displayName)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ProjectException(displayName, new ProjectError("", $"the file is not valid UTF-8 text (bad byte at offset {ex.Index})", 1, 1));
        }

        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        return ProjectParser.Parse(text, filePath, displayName);
    }
}
