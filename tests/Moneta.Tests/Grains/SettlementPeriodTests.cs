using CsCheck;
using Moneta.Settlements;

namespace Moneta.Tests.Grains;

/// <summary>Periods are UTC calendar periods: days from midnight, ISO weeks from Monday midnight, months from the first.</summary>
public sealed class SettlementPeriodTests
{
    private static readonly Gen<DateTimeOffset> AnyInstant =
        Gen.Long[new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks, new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks]
            .Select(ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    private static readonly Gen<SettlementPeriodKind> AnyKind = Gen.Enum<SettlementPeriodKind>();

    [Fact]
    public void Every_instant_falls_in_exactly_one_period_of_each_kind_and_periods_follow_each_other() =>
        Gen.Select(AnyKind, AnyInstant).Sample((kind, instant) =>
        {
            var period = SettlementPeriod.Containing(kind, instant);

            Assert.True(period.Contains(instant));
            Assert.Equal(TimeSpan.Zero, period.Start.Offset);
            Assert.Equal(TimeSpan.Zero, period.Start.TimeOfDay);
            Assert.Equal(period.End, SettlementPeriod.Containing(kind, period.End).Start);
            Assert.Equal(period, SettlementPeriod.Containing(kind, period.End.AddTicks(-1)));
            switch (kind)
            {
                case SettlementPeriodKind.Weekly:
                    Assert.Equal(DayOfWeek.Monday, period.Start.DayOfWeek);
                    break;
                case SettlementPeriodKind.Monthly:
                    Assert.Equal(1, period.Start.Day);
                    break;
            }
        }, iter: 5000);

    [Theory]
    [InlineData("2026-11-29T23:59:59+00:00", "Weekly", "2026-11-23T00:00:00+00:00", "2026-11-30T00:00:00+00:00")] // a Sunday
    [InlineData("2026-11-30T00:00:00+00:00", "Weekly", "2026-11-30T00:00:00+00:00", "2026-12-07T00:00:00+00:00")] // a Monday
    [InlineData("2027-01-01T00:30:00+02:00", "Daily", "2026-12-31T00:00:00+00:00", "2027-01-01T00:00:00+00:00")] // UTC, not the offset's day
    [InlineData("2028-02-29T12:00:00+00:00", "Monthly", "2028-02-01T00:00:00+00:00", "2028-03-01T00:00:00+00:00")]
    [InlineData("2027-01-01T10:00:00+00:00", "Weekly", "2026-12-28T00:00:00+00:00", "2027-01-04T00:00:00+00:00")] // ISO week 53 of 2026
    public void Periods_are_utc_calendar_periods(string instant, string kind, string start, string end)
    {
        var period = SettlementPeriod.Containing(Enum.Parse<SettlementPeriodKind>(kind), DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), period.Start);
        Assert.Equal(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture), period.End);
    }
}
