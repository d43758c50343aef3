using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.LoadGenerator;

/// <summary>
/// --mixed: the money path under load. The pair agrees settlement terms before the run; one finalized charge in
/// <see cref="DisputeEvery"/> is disputed (1.00) and the publisher accepts it; the publisher closes the open batch
/// every --close-every seconds while charges keep arriving. After the run every line is accounted for: the batches'
/// lines must be exactly the finalized charges and the accepted disputes, each once.
/// </summary>
internal sealed class MixedWorkload(HttpClient http, RunContext context)
{
    /// <summary>2 % of charges are disputed.</summary>
    public const int DisputeEvery = 50;

    public const string DisputedAmount = "1.00";

    private long _disputes;
    private long _closes;
    private long _closesEmpty;
    private long _closesClosing;
    private long _closeErrors;

    /// <summary>Disputes the publisher accepted.</summary>
    public long Disputes => Interlocked.Read(ref _disputes);

    public long Closes => Interlocked.Read(ref _closes);

    /// <summary>Early closes answered 409 settlement_batch_empty: no line in the open batch yet.</summary>
    public long ClosesEmpty => Interlocked.Read(ref _closesEmpty);

    /// <summary>Early closes answered 409 settlement_batch_closing: the batch before had not reported its carry yet.</summary>
    public long ClosesClosing => Interlocked.Read(ref _closesClosing);

    public long CloseErrors => Interlocked.Read(ref _closeErrors);

    /// <summary>The MO proposes monthly EUR terms, the publisher signs them: the pair's first batch opens at once.</summary>
    public async Task AgreeTermsAsync(CancellationToken cancellationToken)
    {
        var terms = new JsonObject
        {
            ["contract_id"] = $"lg-{context.RunId}-terms",
            ["template_id"] = "settlement-terms",
            ["template_version"] = 1,
            ["mo_id"] = context.Mo.Id,
            ["publisher_id"] = context.Publisher.Id,
            ["mpass_id"] = null,
            ["payload"] = new JsonObject { ["currency"] = "EUR", ["period"] = "monthly", ["moneta_fee_bps"] = 250, ["mo_share_bps"] = 1500, ["minimum_payout"] = "10.00" },
        };
        var body = (JsonObject)terms.DeepClone();
        body["signature"] = DetachedJws.Sign(context.Mo.Key, SigningInput(terms, "mo", null));
        var proposed = await PostAsync("api/v1/contracts", body, context.MoToken, cancellationToken);
        if (proposed.Status != HttpStatusCode.Created)
            throw new SetupException($"settlement terms answered {(int)proposed.Status}: {proposed.Body}");
        var monetaSignature = MonetaSignature(proposed.Body) ?? throw new SetupException("settlement terms without Moneta's signature");
        var signed = await PostAsync($"api/v1/contracts/{terms["contract_id"]}/signatures",
            new JsonObject { ["role"] = "publisher", ["signature"] = DetachedJws.Sign(context.Publisher.Key, SigningInput(terms, "publisher", monetaSignature)) },
            context.PublisherToken, cancellationToken);
        if (signed.Status != HttpStatusCode.OK || !signed.Body.Contains("\"status\":\"finalized\"", StringComparison.Ordinal))
            throw new SetupException($"signing the settlement terms answered {(int)signed.Status}: {signed.Body}");
    }

    /// <summary>Whether the <paramref name="sequence"/>-th charge of a worker is disputed.</summary>
    public static bool IsDisputed(long sequence) => sequence % DisputeEvery == DisputeEvery - 1;

    /// <summary>The MO disputes the charge for 1.00 and the publisher accepts; a failure is returned as its reason.</summary>
    public async Task<string?> DisputeAndAcceptAsync(string chargeId, CancellationToken cancellationToken)
    {
        var disputeId = chargeId + "-d";
        var terms = new JsonObject
        {
            ["contract_id"] = disputeId,
            ["template_id"] = "dispute-contract",
            ["template_version"] = 1,
            ["mo_id"] = context.Mo.Id,
            ["publisher_id"] = context.Publisher.Id,
            ["mpass_id"] = context.MpassId,
            ["payload"] = new JsonObject { ["disputed_contract_id"] = chargeId, ["amount"] = DisputedAmount, ["currency"] = "EUR", ["reason_code"] = "not_received" },
        };
        var body = new JsonObject
        {
            ["contract_id"] = disputeId,
            ["mo_id"] = context.Mo.Id,
            ["publisher_id"] = context.Publisher.Id,
            ["mpass_id"] = context.MpassId,
            ["disputed_contract_id"] = chargeId,
            ["amount"] = DisputedAmount,
            ["currency"] = "EUR",
            ["reason_code"] = "not_received",
            ["signature"] = DetachedJws.Sign(context.Mo.Key, SigningInput(terms, "mo", null)),
        };
        var filed = await PostAsync("api/v1/events/disputes", body, context.MoToken, cancellationToken);
        if (filed.Status is not (HttpStatusCode.Created or HttpStatusCode.OK) || MonetaSignature(filed.Body) is not { } monetaSignature)
            return $"dispute {(int)filed.Status}";
        var accepted = await PostAsync($"api/v1/contracts/{disputeId}/signatures",
            new JsonObject { ["role"] = "publisher", ["signature"] = DetachedJws.Sign(context.Publisher.Key, SigningInput(terms, "publisher", monetaSignature)) },
            context.PublisherToken, cancellationToken);
        if (accepted.Status != HttpStatusCode.OK) return $"dispute accept {(int)accepted.Status}";
        Interlocked.Increment(ref _disputes);
        return null;
    }

    /// <summary>The publisher closes the open batch every <paramref name="every"/> until <paramref name="stopAt"/> (a Stopwatch timestamp).</summary>
    public async Task CloseBatchesAsync(TimeSpan every, long stopAt, CancellationToken cancellationToken)
    {
        try
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                await Task.Delay(every, cancellationToken);
                await CloseOnceAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
        }
    }

    /// <summary>
    /// After the run: waits until the batches hold every finalized charge and accepted dispute as a line, closes the
    /// open batch, and checks the count and the lines' total against what the run made.
    /// </summary>
    public async Task<MixedSummary> AccountAsync(long charges, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var expectedLines = charges + Disputes;
        var started = Stopwatch.GetTimestamp();
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        List<JsonElement> batches;
        do
        {
            batches = await BatchesAsync(cancellationToken);
            if (batches.Sum(b => b.GetProperty("line_count").GetInt64()) >= expectedLines) break;
            await Task.Delay(500, cancellationToken);
        }
        while (Stopwatch.GetTimestamp() < deadline);
        var caughtUp = Stopwatch.GetElapsedTime(started).TotalSeconds;

        while (batches.Any(b => b.GetProperty("status").GetString() == "open") && Stopwatch.GetTimestamp() < deadline)
        {
            await CloseOnceAsync(cancellationToken);
            await Task.Delay(500, cancellationToken);
            batches = await BatchesAsync(cancellationToken);
        }

        var lines = batches.Sum(b => b.GetProperty("line_count").GetInt64());
        // A closed batch's own lines add up to gross less what it carried in (a batch under the minimum payout carries its gross on).
        var gross = batches.Where(b => b.GetProperty("gross").ValueKind == JsonValueKind.String)
            .Sum(b => Amount(b.GetProperty("gross")) - Amount(b.GetProperty("carried_in")));
        var expectedTotal = (charges * 12.50m) - (Disputes * decimal.Parse(DisputedAmount, CultureInfo.InvariantCulture));
        return new MixedSummary(charges, Disputes, Closes, ClosesEmpty, ClosesClosing, CloseErrors, batches.Count,
            batches.Count(b => b.GetProperty("status").GetString() == "open"), lines, expectedLines, gross, expectedTotal, caughtUp);
    }

    private static decimal Amount(JsonElement amount) =>
        decimal.Parse(amount.GetString()!, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private async Task CloseOnceAsync(CancellationToken cancellationToken)
    {
        var closed = await PostAsync("api/v1/events/settlements",
            new JsonObject { ["mo_id"] = context.Mo.Id, ["publisher_id"] = context.Publisher.Id, ["currency"] = "EUR" }, context.PublisherToken, cancellationToken);
        if (closed.Status == HttpStatusCode.Accepted) Interlocked.Increment(ref _closes);
        else if (closed.Body.Contains("\"settlement_batch_empty\"", StringComparison.Ordinal)) Interlocked.Increment(ref _closesEmpty);
        else if (closed.Body.Contains("\"settlement_batch_closing\"", StringComparison.Ordinal)) Interlocked.Increment(ref _closesClosing);
        else Interlocked.Increment(ref _closeErrors);
    }

    /// <summary>Every batch of the pair, as the MO lists them.</summary>
    private async Task<List<JsonElement>> BatchesAsync(CancellationToken cancellationToken)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/settlements?mo_id={context.Mo.Id}&limit=200" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", context.MoToken);
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK) throw new SetupException($"listing settlements answered {(int)response.StatusCode}: {text}");
            using var page = JsonDocument.Parse(text);
            all.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(b => b.Clone()));
            cursor = page.RootElement.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);
        return all;
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, JsonObject body, string bearer, CancellationToken cancellationToken)
    {
        using var request = MonetaClient.JsonRequest(HttpMethod.Post, new Uri(path, UriKind.Relative), JsonSerializer.SerializeToUtf8Bytes(body), bearer);
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static byte[] SigningInput(JsonObject terms, string signer, string? previous)
    {
        var input = new JsonObject();
        foreach (var name in new[] { "contract_id", "template_id", "template_version", "mo_id", "publisher_id", "mpass_id", "payload" })
            input[name] = terms[name]?.DeepClone();
        input["signer"] = signer;
        input["previous"] = previous;
        return JsonCanonicalizer.Canonicalize(input);
    }

    private static string? MonetaSignature(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("signatures_map", out var map) && map.TryGetProperty("moneta", out var moneta)
                ? moneta.GetProperty("signature").GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What the mixed workload did, and whether every line is accounted for.</summary>
internal sealed record MixedSummary(
    long Charges, long Disputes, long Closes, long ClosesEmpty, long ClosesClosing, long CloseErrors, int Batches, int BatchesStillOpen,
    long Lines, long ExpectedLines, decimal LinesTotal, decimal ExpectedTotal, double CaughtUpSeconds)
{
    /// <summary>Each line once: as many lines as charges and disputes, and (every batch closed) the closed batches' lines add up to what they should.</summary>
    public bool Accounted => Lines == ExpectedLines && BatchesStillOpen == 0 && LinesTotal == ExpectedTotal;

    public string ToText() => string.Create(CultureInfo.InvariantCulture, $"""
          mixed workload   {Charges} charges, {Disputes} disputes accepted (1 in {MixedWorkload.DisputeEvery}), {Closes} early closes (refused: {ClosesEmpty} empty, {ClosesClosing} batch before still closing; {CloseErrors} errors)
          settlement       every line in a batch {CaughtUpSeconds:0.0} s after the load ended; {Batches} batches ({BatchesStillOpen} still open), {Lines} lines for {ExpectedLines} expected, lines totalling {LinesTotal} for {ExpectedTotal} expected: {(Accounted ? "every line once" : "MISMATCH")}

        """);
}
