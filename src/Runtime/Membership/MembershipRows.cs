using System.Globalization;

namespace Moneta.Runtime.Membership;

/// <summary>What every membership table of ours stores the same way: times as invariant ISO 8601 UTC, and the cleanup rule.</summary>
internal static class MembershipRows
{
    /// <summary>
    /// Orleans 10.4.2's cleanup rule: a Dead silo whose last sign of life (start, heartbeat or a suspicion vote)
    /// precedes the cutoff. The cleanup agent measures retention from the same latest time.
    /// </summary>
    public static bool IsDefunct(MembershipEntry entry, DateTimeOffset before) =>
        entry.Status == SiloStatus.Dead && LastUpdate(entry) < before.UtcDateTime;

    public static string Time(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);

    public static DateTime ParseTime(string text) => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static DateTime LastUpdate(MembershipEntry entry) =>
        new[] { entry.StartTime, entry.IAmAliveTime }
            .Concat((entry.SuspectTimes ?? []).Select(s => s.Item2))
            .Select(t => DateTime.SpecifyKind(t, DateTimeKind.Utc))
            .Max();
}
