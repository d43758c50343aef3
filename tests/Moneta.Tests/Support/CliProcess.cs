using System.Collections.Concurrent;
using System.Diagnostics;

namespace Moneta.Tests.Support;

/// <summary>The moneta CLI (built beside the tests) run as a process, as a partner runs it, with its own home for profiles.</summary>
public sealed class CliProcess(ISiloEndpoint silo, string home, string workingDirectory)
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout.Trim();
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and expects success; the output is in the failure message otherwise.</summary>
    public async Task<string> SucceedAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"moneta {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
        return result.Output;
    }

    /// <summary>A long-running command (webhooks listen): its lines as they come, until it is stopped.</summary>
    public Running Start(params string[] args) => new(Process.Start(StartInfo(args))!);

    private ProcessStartInfo StartInfo(string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["MONETA_HOME"] = home,
                ["MONETA_URL"] = silo.BaseAddress.ToString().TrimEnd('/'),
                ["MONETA_ADMIN_TOKEN"] = TestSilo.AdminToken,
                ["MONETA_PROFILE"] = null,
            },
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "moneta.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    public sealed class Running : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _stdout = new();
        private readonly ConcurrentQueue<string> _stderr = new();

        internal Running(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, line) => { if (line.Data is not null) _stdout.Enqueue(line.Data); };
            process.ErrorDataReceived += (_, line) => { if (line.Data is not null) _stderr.Enqueue(line.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public IReadOnlyList<string> Stdout => [.. _stdout];

        public string Stderr => string.Join('\n', _stderr);

        public bool HasExited => _process.HasExited;

        /// <summary>SIGTERM, as a terminal's Ctrl+C or a service manager stops it; waits for it to finish its cleanup.</summary>
        public async Task StopAsync()
        {
            if (_process.HasExited) return;
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
