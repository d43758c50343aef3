using System.Diagnostics;

namespace Moneta.GrainModel;

/// <summary>
/// A request's W3C trace context in Orleans' <see cref="RequestContext"/>, which every grain call carries on to the
/// grains it calls, under the key Orleans' own activity propagation also writes.
/// </summary>
public static class TraceContext
{
    public const string TraceParentKey = "traceparent";

    /// <summary>The grain calls made from here on (in this async flow) carry the current activity's trace context.</summary>
    public static void CarryCurrent()
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id })
            RequestContext.Set(TraceParentKey, id);
    }

    /// <summary>The trace context of the request this turn works for, if it has one.</summary>
    public static string? Current() =>
        RequestContext.Get(TraceParentKey) as string ?? (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null);
}
