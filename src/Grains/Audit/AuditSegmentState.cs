using Moneta.Audit;

namespace Moneta.Grains.Audit;

/// <summary>One sealed stretch of an audit log (see <see cref="LifecycleArchive"/>).</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.AuditSegmentState")]
public sealed record AuditSegmentState
{
    [Id(0)]
    public IReadOnlyList<LifecycleEvent> Events { get; init; } = [];
}
