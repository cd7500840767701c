namespace Wibot.Domain.Tokens;

/// <summary>Calendar months in a given time zone: which month an instant falls in and when it ends.</summary>
public sealed class QuotaCalendar
{
    public QuotaCalendar(TimeZoneInfo timeZone)
    {
        TimeZone = timeZone ?? throw new ArgumentNullException(nameof(timeZone));
    }

    public TimeZoneInfo TimeZone { get; }

    public DateOnly MonthOf(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, TimeZone);
        return new DateOnly(local.Year, local.Month, 1);
    }

    /// <summary>The instant the given month starts, in UTC.</summary>
    public DateTimeOffset StartOf(DateOnly month)
    {
        var localMidnight = month.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var offset = TimeZone.GetUtcOffset(localMidnight);
        return new DateTimeOffset(localMidnight, offset).ToUniversalTime();
    }

    /// <summary>The instant the month containing <paramref name="instant"/> ends (start of the next one), in UTC.</summary>
    public DateTimeOffset ResetsAt(DateTimeOffset instant) => StartOf(MonthOf(instant).AddMonths(1));

    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);
}
