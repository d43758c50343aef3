using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Moneta.Grains.Webhooks;

/// <summary>Webhook outcomes for OpenTelemetry (meter "Moneta.Webhooks"): attempts by outcome, and their latency.</summary>
public sealed class WebhookMetrics : IDisposable
{
    public const string MeterName = "Moneta.Webhooks";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _latency;

    public WebhookMetrics()
    {
        _attempts = _meter.CreateCounter<long>("moneta.webhook.attempts", description: "Webhook delivery attempts, by outcome");
        _latency = _meter.CreateHistogram<double>("moneta.webhook.attempt.duration", unit: "ms", description: "Time until the endpoint answered or the attempt failed");
    }

    public void Attempted(string eventType, string outcome, int? statusCode, TimeSpan elapsed)
    {
        var tags = new TagList { { "event_type", eventType }, { "outcome", outcome }, { "status_code", statusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none" } };
        _attempts.Add(1, tags);
        _latency.Record(elapsed.TotalMilliseconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
