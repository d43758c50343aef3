using System.Diagnostics;

namespace Moneta.Runtime;

/// <summary>
/// Trace context from a request through grain calls and the outbox into webhooks. A request's W3C
/// <c>traceparent</c> rides in Orleans' request context (<see cref="GrainModel.TraceContext"/>), which every grain
/// call carries to the grains it calls in turn; each event a grain sends records it
/// (<see cref="GrainModel.GrainEvent.TraceParent"/>), and the
/// relay hands the event over in an activity of this source whose parent is that context, so everything the event
/// causes, webhooks included, shares the request's trace id. Orleans' own grain-call activities (one span per call
/// on each side) are turned on only when traces are exported: they cost a tenth of a step's allocations.
/// </summary>
public static class GrainTracing
{
    public const string SourceName = "Moneta.Runtime";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Orleans' source of grain-call activities, recorded when traces are exported.</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    private static readonly Lazy<ActivityListener> Listener = new(() =>
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SourceName or "Microsoft.AspNetCore",
            // Ids and parents only, nothing recorded: enough to propagate context. An exporter added later
            // (OpenTelemetry) samples what it records on top of this.
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Makes ASP.NET Core and the outbox create activities even with no tracing exporter configured, so an incoming
    /// <c>traceparent</c> is parsed and carried on. Process-wide and idempotent.
    /// </summary>
    public static void PropagateTraceContext() => _ = Listener.Value;
}
