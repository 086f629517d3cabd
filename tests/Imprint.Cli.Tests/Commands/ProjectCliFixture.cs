using System.Diagnostics;
using Imprint.Keys;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

/// <summary>
/// A temp folder with a copy of the sample LM3S6965 project pointing at the sample firmware
/// built by arm-none-eabi-gcc, a signing key, and a private IMPRINT_HOME for the CLI.
/// </summary>
internal sealed class ProjectCliFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    private ProjectCliFixture()
    {
        Home = _dir.File("home");
        Directory.CreateDirectory(Home);
        using var key = SigningKey.Create();
        key.Save(SigningKeyPath);
    }

    public string Home { get; }

    public string SigningKeyPath => _dir.File("signing.key");

    public string ProjectPath => _dir.File("imprint.yaml");

    public string File(string name) => _dir.File(name);

    public static async Task<ProjectCliFixture> CreateAsync()
    {
        var firmware = await SampleFirmware.GetAsync();
        var fixture = new ProjectCliFixture();
        string text = await System.IO.File.ReadAllTextAsync(RepositoryRoot.Combine("samples", "projects", "lm3s6965", "imprint.yaml"));
        await System.IO.File.WriteAllTextAsync(fixture.ProjectPath, text.Replace("../../firmware/lm3s6965/build/firmware.elf", firmware.ElfPath, StringComparison.Ordinal));
        return fixture;
    }

    /// <summary>Runs the CLI with IMPRINT_HOME pointing into the fixture, so no test touches the user's home.</summary>
    public async Task<CliRunner.Result> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "imprint.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["IMPRINT_HOME"] = Home;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliRunner.Result(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose() => _dir.Dispose();
}
