using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Moneta.LoadGenerator;

// Exit codes: 0 the run completed without failures, 1 it completed with failures, 2 bad arguments, 3 setup failed.
if (args is [] or ["--help"] or ["-h"])
{
    Console.WriteLine(LoadOptions.Usage);
    return args is [] ? 2 : 0;
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine();
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Concurrency,
    // A silo that died must not keep its pooled connections for long after it comes back.
    PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    // Only the given URL: no proxy from the environment, no redirects elsewhere.
    UseProxy = false,
    AllowAutoRedirect = false,
    ConnectTimeout = TimeSpan.FromSeconds(10),
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
};
using var http = new HttpClient(handler) { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(30) };
var client = new MonetaClient(http, options.AdminToken);
var runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

using var hardStop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    hardStop.Cancel();
};

EcdsaBound? bound = null;
if (options.EcdsaProbe > TimeSpan.Zero)
{
    Console.WriteLine($"measuring raw ES256 sign+verify on {Environment.ProcessorCount} cores for {options.EcdsaProbe.TotalSeconds:0} s");
    bound = EcdsaProbe.Measure(options.EcdsaProbe);
}

var silo = options.SiloPid is { } siloPid ? new SiloProbe(siloPid) : null;
RunContext context;
string issuer;
MixedWorkload? mixed = null;
await using var webhooks = options.Webhooks ? await WebhookSink.StartAsync() : null;
try
{
    using var setupTimeout = CancellationTokenSource.CreateLinkedTokenSource(hardStop.Token);
    setupTimeout.CancelAfter(TimeSpan.FromSeconds(60));
    var ct = setupTimeout.Token;

    issuer = options.Issuer ?? await client.GetIssuerAsync(ct);
    var mo = await client.CreateActivePartyAsync("mo", $"Load generator MO {runId}", $"LG-{runId}", ct);
    var publisher = await client.CreateActivePartyAsync("publisher", $"Load generator publisher {runId}", null, ct);
    var mpassId = await client.IssueMPassAsync(mo.Id, ct);
    if (webhooks is not null)
    {
        await client.RegisterWebhookAsync(mo, new Uri(webhooks.Url, "mo"), ct);
        await client.RegisterWebhookAsync(publisher, new Uri(webhooks.Url, "publisher"), ct);
    }

    context = new RunContext(mo, publisher, mpassId, runId);
    context.SetTokens(await client.GetAccessTokenAsync(mo, issuer, ct), await client.GetAccessTokenAsync(publisher, issuer, ct));
    if (options.Mixed)
    {
        mixed = new MixedWorkload(http, context);
        await mixed.AgreeTermsAsync(ct);
    }

    Console.WriteLine($"setup: run {runId}, issuer {issuer}, mo {mo.Id}, publisher {publisher.Id}, mpass {mpassId}");
}
catch (Exception e) when (e is SetupException or HttpRequestException or OperationCanceledException)
{
    Console.Error.WriteLine($"setup failed: {e.Message}");
    return 3;
}

using (context.Mo)
using (context.Publisher)
{
    var siloBeforeLoad = silo?.Sample();
    var activationsBeforeLoad = await client.TryGetActivationsAsync(CancellationToken.None);
    var start = Stopwatch.GetTimestamp();
    var timeline = new Timeline(start, options.Warmup + options.Duration + http.Timeout);
    var run = new LoadRun(http, context, options.Concurrency, new SiloRotation(options.Urls), timeline, mixed);
    var measureFrom = start + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
    var stopAt = measureFrom + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);

    // Requests in flight at the end get the HTTP timeout and a little more; then everything is cancelled.
    hardStop.CancelAfter(options.Warmup + options.Duration + http.Timeout + TimeSpan.FromSeconds(5));

    Console.WriteLine($"running: {options.Warmup.TotalSeconds:0} s warm-up, then {options.Duration.TotalSeconds:0} s measured, concurrency {options.Concurrency}");
    var workers = run.RunAsync(measureFrom, stopAt, hardStop.Token);
    using var finished = new CancellationTokenSource();
    var progress = ReportProgressAsync(run, start, measureFrom, finished.Token);
    var refresh = RefreshTokensAsync(client, context, issuer, finished.Token);
    var cpuAtMeasureStart = CpuAtAsync(options.Warmup, silo, hardStop.Token);
    var grainCallsAtMeasureStart = GrainCallsAtAsync(options.Warmup, client, hardStop.Token);
    var closing = mixed?.CloseBatchesAsync(options.CloseEvery, stopAt, hardStop.Token) ?? Task.CompletedTask;

    var records = await workers;
    await closing;
    var cpuAtEnd = Process.GetCurrentProcess().TotalProcessorTime;
    var siloAtEnd = silo?.Sample();
    await finished.CancelAsync();
    await progress;
    await refresh;

    var grainCalls = GrainCallsBetween(await grainCallsAtMeasureStart, await client.TryGetGrainCallsAsync(CancellationToken.None));
    var (clientCpuAtMeasureStart, siloAtMeasureStart) = await cpuAtMeasureStart;
    var summary = LoadSummary.From(options, records, measureFrom, cpuAtEnd - clientCpuAtMeasureStart, grainCalls) with { Bound = bound };
    if (siloBeforeLoad is not null && siloAtMeasureStart is not null && siloAtEnd is not null)
    {
        var activations = await client.TryGetActivationsAsync(CancellationToken.None);
        summary = summary with { Silo = SiloSummary.Of(summary, siloBeforeLoad, siloAtMeasureStart, siloAtEnd, activationsBeforeLoad, activations) };
    }
    if (webhooks is not null)
    {
        var expected = 3 * run.Contracts;
        var drained = await webhooks.DrainAsync(expected, CancellationToken.None);
        var lag = OperationSummary.Of("webhook lag", webhooks.LagsBetween(measureFrom, stopAt));
        summary = summary with { Webhooks = new WebhookSummary(expected, webhooks.Received, webhooks.Distinct, drained.TotalSeconds, lag) };
    }

    if (options.TimelinePath is { } timelinePath)
        await timeline.WriteAsync(timelinePath);

    var money = mixed is null ? null : await mixed.AccountAsync(run.Contracts, TimeSpan.FromSeconds(120), CancellationToken.None);

    Console.WriteLine();
    Console.Write(summary.ToText());
    if (money is not null) Console.Write(money.ToText());
    if (options.JsonPath is { } path)
    {
        await File.WriteAllTextAsync(path, summary.ToJson());
        Console.WriteLine($"summary written to {path}");
    }

    return summary.Failures == 0 && money is not { Accounted: false } ? 0 : 1;
}

static async Task<(TimeSpan Client, SiloSample? Silo)> CpuAtAsync(TimeSpan delay, SiloProbe? silo, CancellationToken cancellationToken)
{
    try
    {
        await Task.Delay(delay, cancellationToken);
    }
    catch (OperationCanceledException)
    {
    }

    return (Process.GetCurrentProcess().TotalProcessorTime, silo?.Sample());
}

static async Task<IReadOnlyDictionary<string, long>?> GrainCallsAtAsync(TimeSpan delay, MonetaClient client, CancellationToken cancellationToken)
{
    try
    {
        await Task.Delay(delay, cancellationToken);
    }
    catch (OperationCanceledException)
    {
    }

    return await client.TryGetGrainCallsAsync(cancellationToken);
}

// The silo's Moneta grain calls made during the measured window (its counters are cumulative); null if either
// scrape failed, e.g. against a build from before Orleans, which has no such counter.
static IReadOnlyDictionary<string, long>? GrainCallsBetween(IReadOnlyDictionary<string, long>? start, IReadOnlyDictionary<string, long>? end) =>
    start is null || end is null
        ? null
        : end.Select(call => (call.Key, Count: call.Value - start.GetValueOrDefault(call.Key))).Where(call => call.Count > 0).ToDictionary(call => call.Key, call => call.Count);

static async Task ReportProgressAsync(LoadRun run, long start, long measureFrom, CancellationToken finished)
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
    var (lastRequests, lastContracts, lastAt) = (0L, 0L, start);
    try
    {
        while (await timer.WaitForNextTickAsync(finished))
        {
            var now = Stopwatch.GetTimestamp();
            var (requests, contracts) = (run.Requests, run.Contracts);
            var seconds = Stopwatch.GetElapsedTime(lastAt, now).TotalSeconds;
            var phase = now < measureFrom ? "warm-up" : "measure";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{Stopwatch.GetElapsedTime(start, now).TotalSeconds,5:0}s {phase}] requests {requests,8} ({(requests - lastRequests) / seconds,7:0.0}/s)  contracts {contracts,7} ({(contracts - lastContracts) / seconds,6:0.0}/s)  errors {run.Errors}"));
            (lastRequests, lastContracts, lastAt) = (requests, contracts, now);
        }
    }
    catch (OperationCanceledException)
    {
    }
}

// Access tokens live ten minutes: a run longer than that gets fresh ones every eight.
static async Task RefreshTokensAsync(MonetaClient client, RunContext context, string issuer, CancellationToken finished)
{
    var wait = TimeSpan.FromMinutes(8);
    try
    {
        while (true)
        {
            await Task.Delay(wait, finished);
            try
            {
                context.SetTokens(await client.GetAccessTokenAsync(context.Mo, issuer, finished), await client.GetAccessTokenAsync(context.Publisher, issuer, finished));
                Console.WriteLine("access tokens refreshed");
                wait = TimeSpan.FromMinutes(8);
            }
            catch (Exception e) when (e is SetupException or HttpRequestException)
            {
                Console.Error.WriteLine($"token refresh failed, retrying in 10 s: {e.Message}");
                wait = TimeSpan.FromSeconds(10);
            }
        }
    }
    catch (OperationCanceledException)
    {
    }
}
