using Imprint.Devices;

namespace Imprint.Tests.Devices;

public sealed class DeviceReaderFuzzTests
{
    [Fact]
    public void Read_MutatedDeviceFiles_GiveOnlyDeviceExceptions()
    {
        var inputs = DeviceCatalog.BuiltIn.Devices.Select(d => DeviceWriter.Write(d)).ToList();
        int accepted = 0, refused = 0;
        for (int i = 0; i < 1500; i++)
        {
            var mutator = new Mutator(i);
            string yaml = mutator.Text(inputs[i % inputs.Count], ":-[]{},&*!#|>'\"\n 0xK~?%@`\t\\");
            try
            {
                DeviceReader.Read(yaml, "fuzz.yaml");
                accepted++;
            }
            catch (DeviceException ex)
            {
                ex.Message.ShouldStartWith("fuzz.yaml");
                refused++;
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"seed {i}: {ex.GetType().Name} for input:\n{yaml}", ex);
            }
        }

        // Both outcomes must occur, or the mutations are not exercising the reader.
        accepted.ShouldBeGreaterThan(0);
        refused.ShouldBeGreaterThan(0);
    }
}
