using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Moneta.Tests.Support;

/// <summary>
/// A silo as a separate OS process (the Moneta.Silo executable built beside the tests), for the failure tests
/// that kill it with SIGKILL and start it again on the same data.
/// </summary>
public sealed class SiloProcess : ISiloEndpoint, IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly string[] _settings;
    private volatile bool _stopped;

    private SiloProcess(Process process, Uri baseAddress, string dataDirectory, string[] settings, int siloPort)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        _settings = settings;
        SiloPort = siloPort;
        BaseAddress = baseAddress;
        Admin = NewClient(TestSilo.AdminToken);
        Anonymous = NewClient(null);
    }

    public Uri BaseAddress { get; }

    public HttpClient Admin { get; }

    public HttpClient Anonymous { get; }

    /// <summary>The port this silo listens on for other silos.</summary>
    public int SiloPort { get; }

    /// <summary>Starts a silo on the data in <paramref name="dataDirectory"/>; <paramref name="settings"/> are "Key=Value" configuration.</summary>
    public static Task<SiloProcess> StartAsync(string dataDirectory, params string[] settings) =>
        StartAsync(dataDirectory, siloPort: null, settings);

    /// <summary>
    /// The same silo again, after a kill: a new process on the same data, with the same settings and the same silo
    /// port, as a restarted container on its host would be. Orleans sees the same endpoint with a newer generation
    /// and declares the killed incarnation dead at once.
    /// </summary>
    public Task<SiloProcess> StartAgainAsync() => StartAsync(_dataDirectory, SiloPort, _settings);

    /// <summary>
    /// A port picked free a moment ago can be taken before the new process binds it (another test's connection gets
    /// it as its local port): a process that exits at start-up saying its address is in use is started again on
    /// fresh ports, up to three times. Any other early exit fails the test with the process's last output.
    /// </summary>
    private static async Task<SiloProcess> StartAsync(string dataDirectory, int? siloPort, string[] settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (silo, exitedWith) = await TryStartAsync(dataDirectory, siloPort ?? FreePort.Next(), settings);
            if (silo is not null) return silo;
            if (attempt == 3 || !exitedWith.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"The silo process exited during start-up (attempt {attempt}); its last output:\n{exitedWith}");
        }
    }

    /// <summary>The silo once it answers /health, or, if its process exited first, null and the end of its output.</summary>
    private static async Task<(SiloProcess? Silo, string ExitedWith)> TryStartAsync(string dataDirectory, int siloPort, string[] settings)
    {
        var port = FreePort.Next();
        var silo = Path.Combine(AppContext.BaseDirectory, "Moneta.Silo.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                silo, "--environment", "Development", "--urls", $"http://127.0.0.1:{port}",
                $"--Moneta:Issuer={TestSilo.Issuer}", $"--Moneta:AdminToken={TestSilo.AdminToken}",
                $"--Moneta:Storage:Sqlite:Path={Path.Combine(dataDirectory, "moneta.db")}",
                $"--Moneta:Signing:KeyFile={Path.Combine(dataDirectory, "moneta-signing-key.jwk.json")}",
                "--Logging:LogLevel:Default=Warning",
                // Silo processes on one data folder form one cluster through the membership rows in its SQLite file.
                "--Moneta:Cluster:Membership=Sqlite",
                $"--Moneta:Cluster:SiloPort={siloPort}",
                "--Moneta:Cluster:GatewayPort=0",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in SiloCluster.FastFailureDetection)
            start.ArgumentList.Add($"--{key}={value}");
        foreach (var setting in settings)
            start.ArgumentList.Add($"--{setting}");
        var process = Process.Start(start)!;
        // MONETA_TEST_SILO_LOGS=<folder> keeps each silo process's output there, to see what a failing test's silos did.
        var log = Environment.GetEnvironmentVariable("MONETA_TEST_SILO_LOGS") is { Length: > 0 } folder
            ? TextWriter.Synchronized(new StreamWriter(Path.Combine(Directory.CreateDirectory(folder).FullName, $"silo-{port}.log")) { AutoFlush = true })
            : null;
        var tail = new Queue<string>();
        void Keep(string? line)
        {
            log?.WriteLine(line);
            if (line is null) return;
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 40) tail.Dequeue();
            }
        }

        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var endpoint = new SiloProcess(process, new Uri($"http://127.0.0.1:{port}"), dataDirectory, settings, siloPort);
        try
        {
            var exited = false;
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited) return exited = true;
                try
                {
                    return (await endpoint.Anonymous.GetAsync("/health")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "the silo process answers /health");
            if (!exited) return (endpoint, "");

            await process.WaitForExitAsync(); // and for the end of its output
            await endpoint.DisposeAsync();
            lock (tail) return (null, string.Join('\n', tail));
        }
        catch
        {
            await endpoint.DisposeAsync(); // a silo that never came up must not outlive the test
            throw;
        }
    }

    /// <summary>Waits until this silo's membership view lists <paramref name="silos"/> active silos.</summary>
    public Task WaitForClusterAsync(int silos) =>
        Eventually.TrueAsync(async () =>
        {
            var cluster = await Json.ReadAsync(await Admin.GetAsync("/api/v1/admin/cluster"), HttpStatusCode.OK);
            return cluster["silos"]!.AsArray().Count(s => s!["status"]!.GetValue<string>() == "active") == silos;
        }, TimeSpan.FromSeconds(60), $"{silos} silos are active in the cluster");

    public HttpClient NewClient(string? bearer)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>
    /// SIGTERM, as Fargate stops a task: the silo leaves the cluster gracefully, handing its activations over. Returns
    /// the exit code once the process has exited.
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        _stopped = true;
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
            await kill.WaitForExitAsync();
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    /// <summary>Killed or told to stop: its requests may fail from this instant on.</summary>
    public bool HasExited => _stopped || _process.HasExited;

    /// <summary>SIGKILL: no shutdown hooks, no flushing; whatever was acknowledged must already be on disk.</summary>
    public async Task KillAsync()
    {
        _stopped = true;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
        Admin.Dispose();
        Anonymous.Dispose();
    }
}
