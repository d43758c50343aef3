using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Moneta.Runtime.Metrics;

/// <summary>
/// Calls, errors and latency of every Moneta grain method, per grain interface and method (meter "Moneta.Grains"):
/// what the home-made runtime's metrics endpoint showed, now exported with Orleans' own meter at /metrics. Only
/// Moneta's interfaces are measured, and keys never become tags, so the series stay few.
/// </summary>
public sealed class GrainCallMetrics : IIncomingGrainCallFilter, IDisposable
{
    public const string MeterName = "Moneta.Grains";

    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _duration;

    public GrainCallMetrics() =>
        _duration = _meter.CreateHistogram<double>("moneta.grain.call.duration", unit: "ms", description: "Grain calls by interface, method and outcome, with their latency");

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceName?.StartsWith("Moneta.", StringComparison.Ordinal) != true)
        {
            await context.Invoke();
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            await context.Invoke();
        }
        catch (Moneta.Errors.DomainException)
        {
            outcome = "refused"; // a business rule said no: the grain worked
            throw;
        }
        catch
        {
            outcome = "error";
            throw;
        }
        finally
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new TagList
            {
                { "grain_interface", context.InterfaceName },
                { "method", context.MethodName },
                { "outcome", outcome },
            });
        }
    }

    public void Dispose() => _meter.Dispose();
}
