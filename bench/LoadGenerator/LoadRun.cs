using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.LoadGenerator;

/// <summary>What the workers share: the parties, their current access tokens and the run's clock.</summary>
internal sealed class RunContext(Party mo, Party publisher, string mpassId, string runId)
{
    private volatile string _moToken = "";
    private volatile string _publisherToken = "";

    public Party Mo { get; } = mo;

    public Party Publisher { get; } = publisher;

    public string MpassId { get; } = mpassId;

    public string RunId { get; } = runId;

    public string MoToken => _moToken;

    public string PublisherToken => _publisherToken;

    public void SetTokens(string moToken, string publisherToken) => (_moToken, _publisherToken) = (moToken, publisherToken);
}

/// <summary>One worker's samples, merged after the run; nothing here is shared while the run is going.</summary>
internal sealed class WorkerRecord
{
    public List<double> InitiateMs { get; } = new(4096);

    public List<double> CountersignMs { get; } = new(4096);

    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> ErrorSamples { get; } = new(StringComparer.Ordinal);

    public long Contracts { get; set; }

    /// <summary>Stopwatch timestamp of the last measured request's completion.</summary>
    public long LastCompletion { get; set; }

    public void Fail(string key, string sample)
    {
        Errors[key] = Errors.GetValueOrDefault(key) + 1;
        ErrorSamples.TryAdd(key, sample.Length > 600 ? sample[..600] : sample);
    }
}

/// <summary>
/// The measured loop: each worker runs complete contracts back to back until the end of the window. Requests
/// started during the warm-up are made but not recorded.
/// </summary>
internal sealed class LoadRun(HttpClient http, RunContext context, int concurrency, SiloRotation silos, Timeline timeline, MixedWorkload? mixed = null)
{
    private long _requests;
    private long _contracts;
    private long _errors;

    public long Requests => Interlocked.Read(ref _requests);

    public long Contracts => Interlocked.Read(ref _contracts);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Runs the workers; <paramref name="measureFrom"/> and <paramref name="stopAt"/> are Stopwatch timestamps.</summary>
    public async Task<WorkerRecord[]> RunAsync(long measureFrom, long stopAt, CancellationToken hardStop)
    {
        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => WorkerAsync(i, measureFrom, stopAt, hardStop), hardStop)).ToArray();
        return await Task.WhenAll(workers);
    }

    private async Task<WorkerRecord> WorkerAsync(int worker, long measureFrom, long stopAt, CancellationToken hardStop)
    {
        var record = new WorkerRecord();
        for (var sequence = 0L; Stopwatch.GetTimestamp() < stopAt && !hardStop.IsCancellationRequested; sequence++)
        {
            var contractId = $"lg-{context.RunId}-{worker}-{sequence}";
            var measured = Stopwatch.GetTimestamp() >= measureFrom;

            // (a) The MO initiates; Moneta verifies it and countersigns at once.
            // 200 is the answer to a retry: sent again after its silo dropped the connection, it may have been taken.
            var initiate = await SendAsync(
                "api/v1/contracts",
                InitiateBody(contractId),
                context.MoToken,
                [HttpStatusCode.Created, HttpStatusCode.OK],
                hardStop);
            if (measured)
            {
                record.InitiateMs.Add(initiate.Milliseconds);
                record.LastCompletion = initiate.CompletedAt;
            }

            if (initiate.Error is { } initiateError)
            {
                Failed(record, "initiate", initiateError, initiate.Body);
                continue;
            }

            if (MonetaSignature(initiate.Body) is not { } monetaSignature)
            {
                Failed(record, "initiate", "201 without signatures_map.moneta", initiate.Body);
                continue;
            }

            // (b) The publisher completes the contract over the chain ending in Moneta's signature.
            var countersign = await SendAsync(
                $"api/v1/contracts/{contractId}/signatures",
                SignBody(contractId, monetaSignature),
                context.PublisherToken,
                [HttpStatusCode.OK],
                hardStop);
            if (measured)
            {
                record.CountersignMs.Add(countersign.Milliseconds);
                record.LastCompletion = countersign.CompletedAt;
            }

            if (countersign.Error is { } countersignError)
            {
                Failed(record, "countersign", countersignError, countersign.Body);
                continue;
            }

            if (!countersign.Body.Contains("\"status\":\"finalized\"", StringComparison.Ordinal))
            {
                Failed(record, "countersign", "200 but not finalized", countersign.Body);
                continue;
            }

            Interlocked.Increment(ref _contracts);
            if (measured)
                record.Contracts++;

            // (c) With --mixed, one charge in 50 is disputed and the publisher accepts the dispute.
            if (mixed is not null && MixedWorkload.IsDisputed(sequence) && await mixed.DisputeAndAcceptAsync(contractId, hardStop) is { } disputeError)
                Failed(record, "dispute", disputeError, "");
        }

        return record;
    }

    private void Failed(WorkerRecord record, string operation, string reason, string body)
    {
        Interlocked.Increment(ref _errors);
        record.Fail($"{operation} {reason}", body);
    }

    private byte[] InitiateBody(string contractId)
    {
        var body = Terms(contractId);
        body["signature"] = DetachedJws.Sign(context.Mo.Key, SigningInput(contractId, "mo", previous: null));
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    private byte[] SignBody(string contractId, string previous)
    {
        var body = new JsonObject
        {
            ["role"] = "publisher",
            ["signature"] = DetachedJws.Sign(context.Publisher.Key, SigningInput(contractId, "publisher", previous)),
        };
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    /// <summary>What each role signs (src/Grains/Contracts/SigningInput.cs): the terms, the signer and the signature before.</summary>
    private byte[] SigningInput(string contractId, string signer, string? previous)
    {
        var input = Terms(contractId);
        input["signer"] = signer;
        input["previous"] = previous;
        return JsonCanonicalizer.Canonicalize(input);
    }

    private JsonObject Terms(string contractId) => new()
    {
        ["contract_id"] = contractId,
        ["template_id"] = "transaction-contract",
        ["template_version"] = 1,
        ["mo_id"] = context.Mo.Id,
        ["publisher_id"] = context.Publisher.Id,
        ["mpass_id"] = context.MpassId,
        ["payload"] = new JsonObject { ["amount"] = "12.50", ["currency"] = "EUR" },
    };

    private static string? MonetaSignature(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("signatures_map", out var map)
                && map.TryGetProperty("moneta", out var moneta)
                && moneta.TryGetProperty("signature", out var signature)
                ? signature.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// One step, to the next silo in turn; if that silo cannot be reached (refused or dropped connection), to the
    /// next one, as a load balancer would. The step is the same request, so a silo that took it before dropping the
    /// connection answers the resend as a retry.
    /// </summary>
    private async Task<Outcome> SendAsync(string path, byte[] body, string bearer, HttpStatusCode[] expected, CancellationToken hardStop)
    {
        var started = Stopwatch.GetTimestamp();
        string? error = null;
        var text = "";
        for (var attempt = 0; attempt < silos.Count; attempt++)
        {
            var (silo, url) = silos.Next();
            using var request = MonetaClient.JsonRequest(HttpMethod.Post, new Uri(url, path), body, bearer);
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, hardStop);
                text = await response.Content.ReadAsStringAsync(hardStop);
                error = expected.Contains(response.StatusCode) ? null : $"{(int)response.StatusCode} {ProblemCode(text)}".TrimEnd();
                break;
            }
            catch (HttpRequestException e) when (attempt + 1 < silos.Count)
            {
                silos.Skip(silo);
                timeline.Resent(Stopwatch.GetTimestamp());
                (text, error) = (e.Message, $"transport {e.GetType().Name}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
            {
                text = e.Message;
                error = e is HttpRequestException ? $"transport {e.GetType().Name}" : hardStop.IsCancellationRequested ? "cancelled at hard stop" : "timeout";
                break;
            }
        }

        var completed = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _requests);
        if (error is null) timeline.Ok(completed);
        else timeline.Failed(completed);
        return new Outcome(Stopwatch.GetElapsedTime(started, completed).TotalMilliseconds, completed, error, text);
    }

    private static string ProblemCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code)
                ? code.ToString()
                : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private readonly record struct Outcome(double Milliseconds, long CompletedAt, string? Error, string Body);
}
