using Wibot.Domain.Tokens;

namespace Wibot.Domain.Tests.Tokens;

public sealed class QuotaCalendarTests
{
    private static readonly QuotaCalendar Paris = new(TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));

    [Theory]
    [InlineData("2026-11-30T22:59:59Z", "2026-11-01")] // 23:59:59 in Paris (UTC+1)
    [InlineData("2026-11-30T23:00:00Z", "2026-12-01")] // midnight in Paris: December already
    [InlineData("2026-12-31T22:59:59Z", "2026-12-01")]
    [InlineData("2026-12-31T23:00:00Z", "2027-01-01")] // New Year in Paris
    [InlineData("2026-07-31T21:59:59Z", "2026-07-01")] // summer time (UTC+2)
    [InlineData("2026-07-31T22:00:00Z", "2026-08-01")]
    public void MonthOf_UsesTheConfiguredTimeZone(string instant, string expectedMonth)
    {
        Paris.MonthOf(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(DateOnly.Parse(expectedMonth, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ResetsAt_IsTheNextMonthsLocalMidnight()
    {
        Paris.ResetsAt(DateTimeOffset.Parse("2026-11-15T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));
        Paris.ResetsAt(DateTimeOffset.Parse("2026-12-31T22:00:00Z", System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.Zero));
        Paris.ResetsAt(DateTimeOffset.Parse("2027-03-10T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(new DateTimeOffset(2027, 3, 31, 22, 0, 0, TimeSpan.Zero), "April starts in summer time");
    }
}
