namespace Imprint.Projects;

/// <summary>The kind of programming image.</summary>
public enum ImageType
{
    /// <summary>Stand-alone: needs no connection; the station enforces restrictions and keeps serial counters itself.</summary>
    Sap,

    /// <summary>Cloud-connected: the station asks the cloud for permission before each unit and reports after it.</summary>
    Job,
}
