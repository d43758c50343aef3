using System.Globalization;
using Moneta.Audit;
using Moneta.Errors;

namespace Moneta.Grains.Audit;

/// <summary>
/// Keeps an audit log from outgrowing its owner's state. Once the owner holds two segments' worth of entries, the
/// oldest segment is sealed into an <see cref="IAuditArchiveGrain"/> and dropped from the state. The seal is
/// written before the state that drops the entries, and sealing is idempotent, so a failed or repeated turn
/// loses nothing. Read back, the log is a series of pages, one per segment and then the recent entries.
/// </summary>
public static class LifecycleArchive
{
    public const int SegmentSize = 100;

    /// <summary>The recent entries still held by the owner and the number of segments sealed, after sealing what is due.</summary>
    public static async Task<(IReadOnlyList<LifecycleEvent> Recent, int SealedSegments)> SealDueSegmentsAsync(
        IGrainFactory grains, string subject, IReadOnlyList<LifecycleEvent> recent, int sealedSegments)
    {
        while (recent.Count >= 2 * SegmentSize)
        {
            await Segment(grains, subject, sealedSegments).Seal([.. recent.Take(SegmentSize)]);
            recent = [.. recent.Skip(SegmentSize)];
            sealedSegments++;
        }

        return (recent, sealedSegments);
    }

    /// <summary>Page <paramref name="cursor"/> (null: the first) of the log; the last page is the recent entries.</summary>
    public static async Task<LifecycleTrail> ReadPageAsync(
        IGrainFactory grains, string subject, string id, IReadOnlyList<LifecycleEvent> recent, int sealedSegments, string? cursor)
    {
        var page = cursor is null ? 0 : ParseCursor(cursor, sealedSegments);
        var events = page < sealedSegments ? await Segment(grains, subject, page).Read() : recent;
        var previous = page == 0 ? null : await LastSealedEntryAsync(grains, subject, page - 1);
        var verified = (page == 0 || previous is not null) && LifecycleLog.Verify(events, previous);
        var next = page < sealedSegments ? (page + 1).ToString(CultureInfo.InvariantCulture) : null;
        return new LifecycleTrail(id, events, verified, next);
    }

    private static async Task<LifecycleEvent?> LastSealedEntryAsync(IGrainFactory grains, string subject, int segment)
    {
        var events = await Segment(grains, subject, segment).Read();
        return events.Count == 0 ? null : events[^1];
    }

    private static int ParseCursor(string cursor, int sealedSegments) =>
        int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page <= sealedSegments
            ? page
            : throw DomainException.Invalid(ErrorCodes.InvalidCursor, "'cursor' must be a next_cursor returned by this endpoint.");

    private static IAuditArchiveGrain Segment(IGrainFactory grains, string subject, int segment) =>
        grains.GetGrain<IAuditArchiveGrain>($"{subject}/{segment.ToString(CultureInfo.InvariantCulture)}");
}
