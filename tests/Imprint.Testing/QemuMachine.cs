using System.Diagnostics;
using System.Globalization;

namespace Imprint.Testing;

/// <summary>
/// QEMU's <c>lm3s6965evb</c> machine with its GDB server on a free loopback port, halted at
/// start (<c>-S</c>) and without <c>-kernel</c> (flash blank: all zeros), UART0 written to a
/// file. Disposing kills QEMU, so no test leaves it behind.
/// </summary>
public sealed class QemuMachine : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private QemuMachine(Process process, TempDirectory directory, int port, string uartPath)
    {
        _process = process;
        _directory = directory;
        Port = port;
        UartPath = uartPath;
    }

    /// <summary>Gets the GDB server port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Gets the file receiving UART0 output.</summary>
    public string UartPath { get; }

    /// <summary>Gets a value indicating whether QEMU has ended (a locked-up core ends it).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts QEMU and waits until its GDB server listens.</summary>
    public static async Task<QemuMachine> StartAsync(CancellationToken cancellationToken = default)
    {
        for (int attempt = 1; ; attempt++)
        {
            var directory = new TempDirectory();
            int port = FreePort.Next();
            string uart = directory.File("uart.txt");
            var psi = new ProcessStartInfo("qemu-system-arm")
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
            };
            foreach (string a in new[] { "-M", "lm3s6965evb", "-display", "none", "-monitor", "none", "-serial", "file:" + uart, "-S", "-gdb", $"tcp:127.0.0.1:{port}" })
            {
                psi.ArgumentList.Add(a);
            }

            var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start qemu-system-arm.");
            var machine = new QemuMachine(process, directory, port, uart);
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (!IsListening(port))
                {
                    if (process.HasExited)
                    {
                        string error = await stderr.ConfigureAwait(false);
                        if (attempt < 3 && error.Contains("address", StringComparison.OrdinalIgnoreCase)) break;
                        throw new InvalidOperationException($"qemu-system-arm exited with {process.ExitCode}: {error.Trim()}");
                    }

                    if (DateTime.UtcNow > deadline) throw new TimeoutException($"QEMU's GDB server did not listen on port {port} within 20 s.");
                    await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                }

                if (!process.HasExited) return machine;
            }
            catch
            {
                await machine.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            await machine.DisposeAsync().ConfigureAwait(false); // port taken by someone else: try another
        }
    }

    /// <summary>Returns what QEMU wrote to UART0 so far.</summary>
    public string ReadUart()
    {
        using var stream = new FileStream(UartPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Waits until UART0 output contains <paramref name="text"/>, or the timeout passes.</summary>
    public async Task<string> WaitForUartAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string output = ReadUart();
            if (output.Contains(text, StringComparison.Ordinal) || DateTime.UtcNow > deadline || HasExited) return output;
            await Task.Delay(25).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _directory.Dispose();
    }

    // Polls the kernel's socket table so that no probe connection disturbs QEMU's GDB server.
    private static bool IsListening(int port)
    {
        string local = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 3 && f[1].EndsWith(local, StringComparison.Ordinal) && f[3] == "0A") return true;
            }
        }

        return false;
    }
}
