using System.Globalization;
using Imprint.Station;
using Imprint.Targets;
using Imprint.Targets.Virtual;

// usage: CrashHost STATION-DIR IMAGE COUNT ERASE-DELAY-MS
// Prints "ready" once the station is open, then one line per finished unit:
// "unit RECORD-ID RESULT POOL:INDEX…".
var eraseDelay = TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture));
await using var station = await Station.OpenAsync(new StationOptions
{
    Directory = args[0],
    TrustAnySigner = true,
    OpenTarget = (url, device, _) => Task.FromResult<ITargetSession>(new VirtualTargetSession(
        new VirtualMcu(device, (ulong)Random.Shared.NextInt64(), new VirtualFaults { EraseDelayPerSector = eraseDelay }), url)),
});
var image = await station.Images.AddAsync(args[1]);
Console.Out.WriteLine("ready");
Console.Out.Flush();
int count = int.Parse(args[2], CultureInfo.InvariantCulture);
for (int i = 0; i < count; i++)
{
    var record = await station.ProgramAsync(image.ImageId, new Uri("virtual://" + "LM3S6965"));
    var serials = string.Join(' ', record.Serials.Select(s => $"{s.Pool}:{s.Index}"));
    Console.Out.WriteLine($"unit {record.Id} {record.Result.ToString().ToLowerInvariant()} {serials}");
    Console.Out.Flush();
}

return 0;
