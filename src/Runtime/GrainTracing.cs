using System.Diagnostics;

namespace Moneta.Runtime;

/// <summary>
/// Trace context across the outbox. A request's trace is carried by each event its grains send
/// (<see cref="GrainModel.GrainEvent.TraceParent"/>), and the handler's turn runs in an activity of this source
/// whose parent is that context, so everything the event causes, webhooks included, shares the request's trace id.
/// </summary>
public static class GrainTracing
{
    public const string SourceName = "Moneta.Runtime";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Orleans' source of grain-call activities; without a listener on it, trace context stops at the first grain call.</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    private static readonly Lazy<ActivityListener> Listener = new(() =>
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SourceName or "Microsoft.AspNetCore" or OrleansApplicationSource,
            // Ids and parents only, nothing recorded: enough to propagate context. An exporter added later
            // (OpenTelemetry) samples what it records on top of this.
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Makes ASP.NET Core, Orleans' grain calls and the outbox create activities even with no tracing exporter configured, so an
    /// incoming <c>traceparent</c> reaches the grains. Process-wide and idempotent.
    /// </summary>
    public static void PropagateTraceContext() => _ = Listener.Value;
}
