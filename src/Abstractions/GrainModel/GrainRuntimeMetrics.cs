namespace Moneta.GrainModel;

/// <summary>Calls, errors and latency of one grain method since the silo started.</summary>
public sealed record GrainMethodStats(
    string GrainType,
    string Method,
    long Calls,
    long Errors,
    double P50Milliseconds,
    double P95Milliseconds,
    double P99Milliseconds,
    IReadOnlyList<LatencyBucket> Histogram);

/// <summary>Calls that completed within <see cref="UpperBoundMilliseconds"/> and above the previous bucket's bound.</summary>
public sealed record LatencyBucket(double UpperBoundMilliseconds, long Count);

public sealed record GrainRuntimeSnapshot(
    DateTimeOffset TakenAt,
    IReadOnlyDictionary<string, int> ActivationsByType,
    IReadOnlyList<GrainMethodStats> Methods);

/// <summary>Reads the silo's grain metrics; the operators' dashboard is built on this.</summary>
public interface IGrainRuntimeMetrics
{
    GrainRuntimeSnapshot Snapshot();
}
