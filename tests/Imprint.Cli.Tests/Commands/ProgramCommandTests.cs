using System.Text.Json;
using Imprint.Keys;
using Imprint.Projects;
using Imprint.Targets.Virtual;
using Imprint.Testing;

namespace Imprint.Tests.Commands;

public sealed class ProgramCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _signer = SigningKey.Create();

    public ProgramCommandTests() => _signer.PublicKey.Save(_temp.File("signer.pub"));

    public void Dispose()
    {
        _signer.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Program_Json_PrintsOneDocumentWithEveryRecord_AndKeepsStateInTheStationDir()
    {
        await StationImageSample.WriteAsync(_temp.File("a.imp"), _signer);

        var result = await CliRunner.RunAsync(
            "program", _temp.File("a.imp"), "--target", "virtual://LM3S6965", "--data", "mac=02:00:00:AB:CD:EF",
            "--station-dir", _temp.File("st"), "--count", "3", "--key", _temp.File("signer.pub"), "--json");

        result.ExitCode.ShouldBe(0, result.StdErr);
        var doc = JsonDocument.Parse(result.StdOut).RootElement;
        doc.GetProperty("passed").GetInt32().ShouldBe(3);
        var units = doc.GetProperty("units").EnumerateArray().ToList();
        units.Select(u => u.GetProperty("serials")[0].GetProperty("bytes").GetString()).ShouldBe(["534E2D30303030303100", "534E2D30303030303200", "534E2D30303030303300"]);
        units.Select(u => u.GetProperty("data").GetProperty("uid").GetString()).Distinct().Count().ShouldBe(3);
        units.ShouldAllBe(u => u.GetProperty("dynamic").GetProperty("mac").GetString() == "020000ABCDEF");

        var again = await CliRunner.RunAsync("program", _temp.File("a.imp"), "--target", "virtual://LM3S6965?seed=9", "--data", "mac=020000ABCDEF", "--station-dir", _temp.File("st"));
        again.ExitCode.ShouldBe(0, again.StdErr);
        again.StdOut.ShouldContain("unit 1/1 step 4/7 program serial sn: ok");
        again.StdOut.ShouldContain("unit 1/1 PASS ");
        again.StdOut.ShouldContain(" sn=4 ");

        var counters = JsonDocument.Parse((await CliRunner.RunAsync("station", "counters", "--dir", _temp.File("st"), "--json")).StdOut).RootElement;
        counters.GetProperty("images")[0].GetProperty("passed").GetInt32().ShouldBe(4);
        var csv = (await CliRunner.RunAsync("station", "log", "--dir", _temp.File("st"), "--csv")).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        csv.Length.ShouldBe(5);
        csv[4].ShouldContain(",pass,");
        csv[4].ShouldContain("virtual://LM3S6965?seed=9");
        var jsonl = (await CliRunner.RunAsync("station", "log", "--dir", _temp.File("st"), "--jsonl")).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        jsonl.Length.ShouldBe(4);
        var table = await CliRunner.RunAsync("station", "log", "--dir", _temp.File("st"));
        table.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(5);
    }

    [Fact]
    public async Task Program_FailedUnit_ExitsTwo_AndTheRecordSaysWhy()
    {
        await StationImageSample.WriteAsync(_temp.File("a.imp"), _signer, test: VirtualTestProgram.Fail(7));

        var result = await CliRunner.RunAsync(
            "program", _temp.File("a.imp"), "--target", "virtual://LM3S6965", "--data", "mac=020000ABCDEF", "--station-dir", _temp.File("st"), "--key", _temp.File("signer.pub"));

        result.ExitCode.ShouldBe(2);
        result.StdOut.ShouldContain("at step 7:run test selftest: test selftest returned 0x7 in r0 (expected 0x0).");
        var counters = JsonDocument.Parse((await CliRunner.RunAsync("station", "counters", "--dir", _temp.File("st"), "--json")).StdOut).RootElement;
        counters.GetProperty("pools")[0].GetProperty("free").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Program_Refusals_AreOneLineErrors()
    {
        await StationImageSample.WriteAsync(_temp.File("a.imp"), _signer, new Restrictions(1, null, null));
        string[] common = ["--target", "virtual://LM3S6965", "--station-dir", _temp.File("st")];

        var untrusted = await CliRunner.RunAsync(["program", _temp.File("a.imp"), .. common, "--data", "mac=020000ABCDEF"]);
        untrusted.ExitCode.ShouldBe(1);
        untrusted.StdErr.Trim().ShouldEndWith("which this station does not trust; add the signer's public key to the station's keys, or allow any signer explicitly (--trust-any-signer).");

        var badHex = await CliRunner.RunAsync(["program", _temp.File("a.imp"), .. common, "--data", "mac=XYZ"]);
        badHex.StdErr.Trim().ShouldBe("error: --data mac=XYZ: 'XYZ' is not an even number of hexadecimal digits.");

        var wrongLength = await CliRunner.RunAsync(["program", _temp.File("a.imp"), .. common, "--data", "mac=0102", "--trust-any-signer"]);
        wrongLength.StdErr.Trim().ShouldBe("error: dynamic data for slot 'mac' is 2 bytes; the slot takes exactly 6.");

        (await CliRunner.RunAsync(["program", _temp.File("a.imp"), .. common, "--data", "mac=020000ABCDEF", "--trust-any-signer"])).ExitCode.ShouldBe(0);
        var limit = await CliRunner.RunAsync(["program", _temp.File("a.imp"), .. common, "--data", "mac=020000ABCDEF", "--trust-any-signer"]);
        limit.ExitCode.ShouldBe(1);
        limit.StdErr.Trim().ShouldBe("error: image cli-sample reached its limit of 1 units on this station.");
    }

    [Fact]
    public async Task StationKeys_AddListDelete()
    {
        var key = EncryptionKey.Create("k-line1");
        key.Save(_temp.File("line1.key"));

        var added = await CliRunner.RunAsync("station", "keys", "add", _temp.File("line1.key"), _temp.File("signer.pub"), "--dir", _temp.File("st"));
        added.ExitCode.ShouldBe(0, added.StdErr);
        added.StdOut.ShouldBe($"added encryption k-line1\nadded signer {_signer.Fingerprint}\n");
        var list = JsonDocument.Parse((await CliRunner.RunAsync("station", "keys", "list", "--dir", _temp.File("st"), "--json")).StdOut).RootElement;
        list.GetArrayLength().ShouldBe(2);
        (await CliRunner.RunAsync("station", "keys", "delete", "k-line1", "--dir", _temp.File("st"))).StdOut.ShouldBe("deleted encryption k-line1\n");
        var noStation = await CliRunner.RunAsync("station", "log", "--dir", _temp.File("typo"));
        noStation.ExitCode.ShouldBe(1);
        noStation.StdErr.Trim().ShouldBe($"error: {_temp.File("typo")} holds no station (no station.db); give --dir, or program a unit there first.");
        Directory.Exists(_temp.File("typo")).ShouldBeFalse();
        var missing = await CliRunner.RunAsync("station", "keys", "delete", "k-line1", "--dir", _temp.File("st"));
        missing.ExitCode.ShouldBe(1);
        missing.StdErr.Trim().ShouldBe("error: the station holds no key 'k-line1'.");
    }
}
