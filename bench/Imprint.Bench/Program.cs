// Each benchmark is a named entry; they print a Markdown table row set for docs/benchmarks.md.
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase);
benchmarks["station"] = Imprint.Bench.Station.StationBench.RunAsync;
benchmarks["hex2bin"] = Imprint.Bench.Firmware.Hex2BinBenchmark.RunAsync;
benchmarks["hex-merge"] = Imprint.Bench.Firmware.HexMergeBenchmark.RunAsync;
benchmarks["virtual-program"] = Imprint.Bench.VirtualProgramBenchmark.RunAsync;
benchmarks["image"] = Imprint.Bench.ImageBenchmark.RunAsync;
benchmarks["qemu-program"] = Imprint.Bench.QemuProgramBenchmark.RunAsync;
benchmarks["cloud-grants"] = Imprint.Bench.Cloud.CloudGrantsBenchmark.RunAsync;

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Imprint.Bench <{string.Join('|', benchmarks.Keys)}> [options]");
    return 2;
}

return await run(args[1..]);
