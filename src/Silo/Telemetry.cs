using Moneta.Grains.Webhooks;
using Moneta.Runtime;
using Moneta.Runtime.Cluster;
using Moneta.Runtime.Membership;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Metrics;
using Moneta.Runtime.Storage;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Moneta.Silo;

/// <summary>
/// Metrics and traces the way operators collect them: Orleans' own meter and Moneta's (grain calls, outbox,
/// webhooks, DynamoDB requests) on a Prometheus scrape endpoint (/metrics, operators only), and everything, traces
/// included, to an OpenTelemetry collector when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
internal static class Telemetry
{
    public static readonly string[] Meters =
    [
        "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        GrainCallMetrics.MeterName, MonetaGrainStorage.MeterName, MessageRelay.MeterName, WebhookMetrics.MeterName, DynamoDbStateStore.MeterName,
        DynamoDbMembershipTable.MeterName, RejectedCallRetry.MeterName,
    ];

    /// <summary>Traces go to an OpenTelemetry collector (OTEL_EXPORTER_OTLP_ENDPOINT is set).</summary>
    public static bool ExportsTraces(IConfiguration configuration) => !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static void AddMonetaTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = ExportsTraces(configuration);
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("moneta"));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(Meters).AddPrometheusExporter();
            if (otlp) metrics.AddOtlpExporter();
        });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource("Microsoft.AspNetCore", GrainTracing.OrleansApplicationSource, GrainTracing.SourceName)
                .AddOtlpExporter());
        }
    }
}
