using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moneta.Silo;

namespace Moneta.Tests.Support;

/// <summary>A real silo in process: Kestrel on a free loopback port, a real SQLite file, development mode.</summary>
public sealed class TestSilo : ISiloEndpoint, IAsyncDisposable
{
    public const string AdminToken = "test-admin-token-0123456789abcdef0123456789";
    public const string Issuer = "https://moneta.test";

    private TestSilo(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Admin = NewClient(AdminToken);
        Anonymous = NewClient(null);
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Admin { get; }

    public HttpClient Anonymous { get; }

    public IServiceProvider Services => App.Services;

    /// <param name="logs">Receives everything the silo logs, for tests of what an operator sees.</param>
    public static async Task<TestSilo> StartAsync(string dataDirectory, IDictionary<string, string?>? settings = null, CapturedLogs? logs = null, string environment = "Development")
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Moneta:Issuer"] = Issuer,
            ["Moneta:AdminToken"] = AdminToken,
            ["Moneta:Storage:Sqlite:Path"] = Path.Combine(dataDirectory, "moneta.db"),
            ["Moneta:Signing:KeyFile"] = Path.Combine(dataDirectory, "moneta-signing-key.jwk.json"),
            // Many silos run in one test process: each listens for other silos on a port of its own, and needs no gateway.
            ["Moneta:Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Moneta:Cluster:GatewayPort"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;

        var app = MonetaSilo.Build([], builder =>
        {
            builder.Environment.EnvironmentName = environment;
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            if (Environment.GetEnvironmentVariable("MONETA_TEST_LOGS") == "1") builder.Logging.AddConsole();
            if (logs is not null) builder.Logging.AddProvider(logs);
        });
        await app.StartAsync();
        // The first address is the one the test asked for; a management port (Moneta:Management:Urls) comes after it.
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestSilo(app, new Uri(address));
    }

    public HttpClient NewClient(string? bearer)
    {
        // An API client, not a browser: it keeps no cookies (an operator session opened once must not follow it around).
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = BaseAddress };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Anonymous.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Something that answers Moneta's API on loopback: an in-process silo or a silo process.</summary>
public interface ISiloEndpoint
{
    Uri BaseAddress { get; }

    HttpClient Admin { get; }

    HttpClient Anonymous { get; }

    HttpClient NewClient(string? bearer);
}

/// <summary>
/// Several co-hosted silos, each with its own HTTP endpoint, sharing one SQLite store and one Moneta key, joined into
/// one Orleans cluster through the membership table in that store (Moneta:Cluster:Membership=Sqlite).
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    private readonly List<TestSilo> _silos;

    private SiloCluster(TempDirectory directory, List<TestSilo> silos)
    {
        Directory = directory;
        _silos = silos;
    }

    public TempDirectory Directory { get; }

    public IReadOnlyList<TestSilo> Silos => _silos;

    public TestSilo First => Silos[0];

    public static async Task<SiloCluster> StartAsync(int silos = 1, IDictionary<string, string?>? settings = null)
    {
        var cluster = new SiloCluster(new TempDirectory(), []);
        var clustered = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (silos > 1)
        {
            clustered.TryAdd("Moneta:Cluster:Membership", "Sqlite");
            foreach (var (key, value) in FastFailureDetection) clustered.TryAdd(key, value);
        }

        try
        {
            for (var i = 0; i < silos; i++)
                cluster._silos.Add(await TestSilo.StartAsync(cluster.Directory.Path, clustered));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A silo that stops answering is declared dead within seconds, not Orleans' production minute.</summary>
    public static IReadOnlyDictionary<string, string?> FastFailureDetection { get; } = new Dictionary<string, string?>
    {
        ["Moneta:Cluster:FailureDetection:ProbeTimeout"] = "00:00:01",
        ["Moneta:Cluster:FailureDetection:NumMissedProbesLimit"] = "2",
        ["Moneta:Cluster:FailureDetection:NumVotesForDeathDeclaration"] = "1",
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
            await silo.DisposeAsync();
        Directory.Dispose();
    }
}

public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "moneta-tests", Guid.NewGuid().ToString("N"));

    public TempDirectory() => System.IO.Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
