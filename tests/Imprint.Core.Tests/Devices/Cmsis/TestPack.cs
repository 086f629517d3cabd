using System.IO.Compression;

namespace Imprint.Tests.Devices.Cmsis;

/// <summary>A small pack description written for these tests, and ways to package it.</summary>
internal static class TestPack
{
    public const string Pdsc = """
        <?xml version="1.0" encoding="UTF-8"?>
        <package schemaVersion="1.7.36">
          <vendor>Acme</vendor>
          <name>Test_DFP</name>
          <devices>
            <family Dfamily="Test Series" Dvendor="Acme:99">
              <processor Dcore="Cortex-M4" Dfpu="1"/>
              <feature type="VCC" n="1.8" m="3.6"/>
              <debugconfig default="jtag" clock="2000000"/>
              <memory name="SRAM" access="rwx" start="0x20000000" size="0x20000" default="1"/>
              <subFamily DsubFamily="T1">
                <processor Dclock="100000000"/>
                <feature type="VCC" n="2.0" m="3.3"/>
                <device Dname="TEST1M">
                  <memory name="Flash" access="rx" start="0x08000000" size="0x100000" default="1" startup="1"/>
                  <algorithm name="Flash/Test.FLM" start="0x08000000" size="0x100000" default="1"/>
                  <algorithm name="Flash/Test_OPT.FLM" start="0x1FFFC000" size="0x10" default="0"/>
                  <variant Dvariant="TEST1MTx"><feature type="QFP" n="64"/></variant>
                </device>
                <device Dname="TEST512K">
                  <memory name="Flash" access="rx" start="0x08000000" size="0x80000" default="1" startup="1"/>
                  <algorithm name="Flash\test.flm" start="0x08000000" size="0x80000" default="1"/>
                </device>
              </subFamily>
              <device Dname="TESTODD">
                <memory name="Flash" access="rx" start="0x08002000" size="0x8000" startup="1"/>
                <memory name="SRAM" access="rwx" start="0x20000000" size="0x1000"/>
                <algorithm name="Flash/Test.FLM" start="0x08000000" size="0x100000" default="1"/>
              </device>
            </family>
          </devices>
        </package>
        """;

    /// <summary>Writes a <c>.pack</c> (zip) holding the description and the given files.</summary>
    public static string WriteArchive(string path, string pdsc, IReadOnlyDictionary<string, byte[]> files)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var writer = new StreamWriter(zip.CreateEntry("Acme.Test_DFP.pdsc").Open()))
        {
            writer.Write(pdsc);
        }

        foreach (var (name, content) in files)
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(content);
        }

        return path;
    }
}
