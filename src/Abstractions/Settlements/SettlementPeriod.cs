namespace Moneta.Settlements;

/// <summary>
/// One calendar period of a kind, in UTC: [<see cref="Start"/>, <see cref="End"/>). Days start at 00:00, ISO weeks on
/// Monday at 00:00, months on the first at 00:00.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.SettlementPeriod")]
public readonly record struct SettlementPeriod(SettlementPeriodKind Kind, DateTimeOffset Start)
{
    public DateTimeOffset End => Kind switch
    {
        SettlementPeriodKind.Daily => Start.AddDays(1),
        SettlementPeriodKind.Weekly => Start.AddDays(7),
        SettlementPeriodKind.Monthly => Start.AddMonths(1),
        _ => throw new InvalidOperationException($"Unknown period kind {Kind}."),
    };

    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    /// <summary>The period of this kind that <paramref name="instant"/> falls in.</summary>
    public static SettlementPeriod Containing(SettlementPeriodKind kind, DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        var day = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
        var start = kind switch
        {
            SettlementPeriodKind.Daily => day,
            // ISO 8601 weeks start on Monday: Monday is 0 days in, Sunday 6.
            SettlementPeriodKind.Weekly => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            SettlementPeriodKind.Monthly => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown period kind."),
        };
        return new SettlementPeriod(kind, start);
    }
}
