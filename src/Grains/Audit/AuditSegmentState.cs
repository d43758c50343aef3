using Moneta.Audit;

namespace Moneta.Grains.Audit;

/// <summary>One sealed stretch of an audit log (see <see cref="LifecycleArchive"/>).</summary>
public sealed record AuditSegmentState
{
    public IReadOnlyList<LifecycleEvent> Events { get; init; } = [];
}
