namespace Imprint.Sdk.Cloud;

/// <summary>A virtual factory: a group of stations and the jobs they may run.</summary>
/// <param name="Id">The factory id.</param>
/// <param name="Name">Its name.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Jobs">How many jobs (not deleted) it holds.</param>
/// <param name="Stations">How many provisioned stations it holds.</param>
public sealed record FactoryView(string Id, string Name, DateTimeOffset CreatedAt, long Jobs, long Stations);

/// <summary>Names a factory (create or rename).</summary>
/// <param name="Name">The name.</param>
public sealed record FactoryNameRequest(string Name);
