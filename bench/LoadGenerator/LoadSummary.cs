using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Moneta.LoadGenerator;

/// <summary>Latency of one operation over the measured window, in milliseconds; percentiles are exact (nearest rank).</summary>
internal sealed record OperationSummary(string Operation, long Count, double Mean, double P50, double P95, double P99, double Max)
{
    public static OperationSummary Of(string operation, List<double> samples)
    {
        if (samples.Count == 0)
            return new OperationSummary(operation, 0, 0, 0, 0, 0, 0);
        samples.Sort();
        return new OperationSummary(operation, samples.Count, samples.Average(), Rank(samples, 50), Rank(samples, 95), Rank(samples, 99), samples[^1]);
    }

    /// <summary>The smallest sample with at least p% of the samples at or below it.</summary>
    private static double Rank(List<double> sorted, double percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

internal sealed record LoadSummary(
    string Url,
    int Concurrency,
    int ProcessorCount,
    double WarmupSeconds,
    double DurationSeconds,
    double MeasuredSeconds,
    long Contracts,
    long Requests,
    long Failures,
    double ContractsPerSecond,
    double RequestsPerSecond,
    double SignaturesPerSecond,
    double ClientCpuCores,
    IReadOnlyList<OperationSummary> Operations,
    IReadOnlyDictionary<string, long> Errors,
    IReadOnlyDictionary<string, string> ErrorSamples,
    IReadOnlyDictionary<string, long>? ServerGrainCalls)
{
    /// <summary>How many grain calls of each kind a signing step made on the silo, most frequent first (the measured window).</summary>
    public IReadOnlyList<(string Call, double PerStep)> GrainCallsPerStep() =>
        ServerGrainCalls is null || Requests == 0
            ? []
            : [.. ServerGrainCalls.OrderByDescending(call => call.Value).Select(call => (Call: call.Key, PerStep: (double)call.Value / Requests)).Where(call => call.PerStep >= 0.005)];

    /// <summary>IOrganizationGrain.Find reads as well as Moneta.Organizations.IOrganizationGrain.Find.</summary>
    private static string WithoutNamespace(string call) => call[(call.LastIndexOf('.', call.LastIndexOf('.') - 1) + 1)..];

    /// <summary>With --webhooks: what arrived, how late after its event, and how long the backlog took to drain.</summary>
    public WebhookSummary? Webhooks { get; init; }

    /// <summary>With --ecdsa-probe: this machine's raw ES256 rate, measured before the load.</summary>
    public EcdsaBound? Bound { get; init; }

    /// <summary>With --silo-pid: the silo's CPU over the measured window and its memory.</summary>
    public SiloSummary? Silo { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
    };

    public static LoadSummary From(LoadOptions options, WorkerRecord[] workers, long measureFrom, TimeSpan clientCpu, IReadOnlyDictionary<string, long>? serverMetrics)
    {
        var lastCompletion = workers.Max(w => w.LastCompletion);
        var measured = lastCompletion > measureFrom ? Stopwatch.GetElapsedTime(measureFrom, lastCompletion) : options.Duration;
        var seconds = measured.TotalSeconds;

        var initiate = OperationSummary.Of("initiate", [.. workers.SelectMany(w => w.InitiateMs)]);
        var countersign = OperationSummary.Of("countersign", [.. workers.SelectMany(w => w.CountersignMs)]);
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var samples = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var worker in workers)
        {
            foreach (var (key, count) in worker.Errors)
                errors[key] = errors.GetValueOrDefault(key) + count;
            foreach (var (key, sample) in worker.ErrorSamples)
                samples.TryAdd(key, sample);
        }

        var contracts = workers.Sum(w => w.Contracts);
        var requests = initiate.Count + countersign.Count;
        return new LoadSummary(
            string.Join(", ", options.Urls),
            options.Concurrency,
            Environment.ProcessorCount,
            options.Warmup.TotalSeconds,
            options.Duration.TotalSeconds,
            seconds,
            contracts,
            requests,
            errors.Values.Sum(),
            contracts / seconds,
            requests / seconds,
            // Every finalized contract carries three accepted signatures: mo, moneta, publisher.
            3 * contracts / seconds,
            clientCpu.TotalSeconds / seconds,
            [initiate, countersign],
            errors,
            samples,
            serverMetrics);
    }

    public string ToText()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Moneta load test: {Url}, concurrency {Concurrency}, {ProcessorCount} cores seen by the client");
        text.AppendLine(c, $"  window           {MeasuredSeconds:0.0} s measured after {WarmupSeconds:0} s warm-up");
        text.AppendLine(c, $"  contracts        {Contracts} finalized, {ContractsPerSecond:0.0} contracts/s");
        text.AppendLine(c, $"  requests         {Requests}, {RequestsPerSecond:0.0} requests/s");
        text.AppendLine(c, $"  signatures       {SignaturesPerSecond:0.0} accepted signatures/s (mo + moneta + publisher)");
        text.AppendLine(c, $"  client CPU       {ClientCpuCores:0.00} cores (load generator process, incl. its ES256 signing)");
        text.AppendLine(c, $"  failures         {Failures}");
        text.AppendLine();
        text.AppendLine("  operation        count     mean      p50      p95      p99      max   (ms)");
        foreach (var op in Operations)
            text.AppendLine(c, $"  {op.Operation,-13} {op.Count,8} {op.Mean,8:0.00} {op.P50,8:0.00} {op.P95,8:0.00} {op.P99,8:0.00} {op.Max,8:0.00}");

        if (GrainCallsPerStep() is { Count: > 0 } calls)
        {
            var each = string.Join(", ", calls.Select(call => string.Create(c, $"{WithoutNamespace(call.Call)} {call.PerStep:0.00}")));
            text.AppendLine(c, $"  grain calls      {calls.Sum(call => call.PerStep):0.00} per signing step: {each}");
        }

        if (Silo is { } silo)
        {
            text.AppendLine(c, $"  silo CPU         {silo.CpuCores:0.00} cores over the measured window, {silo.CpuPerStepMicroseconds:0} µs per signing step");
            var perActivation = silo.BytesPerActivation is { } bytes ? string.Create(c, $", {bytes / 1024:0.0} KB per activation created by the load") : "";
            text.AppendLine(c, $"  silo memory      {silo.ResidentBeforeMb:0} MB resident before the load, {silo.ResidentAfterMb:0} MB after; {silo.Activations?.ToString(c) ?? "?"} live activations{perActivation}");
        }

        if (Bound is { } bound)
        {
            text.AppendLine(c, $"  raw ES256        {bound.PairsPerSecond:0} sign+verify pairs/s on {ProcessorCount} cores ({bound.PairMicroseconds:0.0} µs a pair on one core), measured before the load");
            text.AppendLine(c, $"  vs raw bound     signing steps/s ÷ raw pairs/s (all cores) = {RequestsPerSecond / bound.PairsPerSecond:0.000}");
            if (Silo is { } siloCost)
                text.AppendLine(c, $"                   silo CPU per signing step = {siloCost.CpuPerStepMicroseconds / bound.PairMicroseconds:0.0} raw sign+verify pairs");
        }

        if (Webhooks is { } webhooks)
        {
            text.AppendLine();
            text.AppendLine(c, $"  webhooks         {webhooks.Distinct} distinct of {webhooks.Expected} expected ({webhooks.Received} requests), drained {webhooks.DrainSeconds:0.0} s after the load");
            var lag = webhooks.Lag;
            text.AppendLine(c, $"  {"webhook lag",-13} {lag.Count,8} {lag.Mean,8:0.00} {lag.P50,8:0.00} {lag.P95,8:0.00} {lag.P99,8:0.00} {lag.Max,8:0.00}   (ms from event to arrival, measured window)");
        }

        if (Errors.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("  errors over the whole run, warm-up included (operation, status, problem code):");
            foreach (var (key, count) in Errors)
                text.AppendLine(c, $"    {count,8}  {key}");
            text.AppendLine("  first response of each kind:");
            foreach (var (key, sample) in ErrorSamples)
                text.AppendLine(c, $"    {key}: {sample.ReplaceLineEndings(" ")}");
        }

        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>Webhooks during a --webhooks run: three per finalized contract (awaiting_signature to the publisher, finalized to both).</summary>
internal sealed record WebhookSummary(long Expected, long Received, long Distinct, double DrainSeconds, OperationSummary Lag);

/// <summary>
/// The silo's CPU over the measured window (cores, and µs per signing request), and its resident memory before and
/// after the load; memory per activation is the growth divided by the activations the load added.
/// </summary>
internal sealed record SiloSummary(
    double CpuCores,
    double CpuPerStepMicroseconds,
    double ResidentBeforeMb,
    double ResidentAfterMb,
    long? Activations,
    double? BytesPerActivation)
{
    private const long MinimumActivationsForAverage = 5_000;

    public static SiloSummary Of(LoadSummary load, SiloSample beforeLoad, SiloSample measureStart, SiloSample end, long? activationsBefore, long? activationsAfter)
    {
        var cpu = end.Cpu - measureStart.Cpu;
        var seconds = Stopwatch.GetElapsedTime(measureStart.Timestamp, end.Timestamp).TotalSeconds;
        var added = activationsAfter - activationsBefore;
        return new SiloSummary(
            cpu.TotalSeconds / seconds,
            cpu.TotalMicroseconds / Math.Max(1, load.RequestsPerSecond * seconds),
            beforeLoad.ResidentBytes / 1048576.0,
            end.ResidentBytes / 1048576.0,
            activationsAfter,
            // Below a few thousand added activations the growth is mostly the heap, not the activations.
            added >= MinimumActivationsForAverage ? (double)(end.ResidentBytes - beforeLoad.ResidentBytes) / added : null);
    }
}
