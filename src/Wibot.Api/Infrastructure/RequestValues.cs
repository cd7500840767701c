using System.Globalization;
using FluentValidation;
using FluentValidation.Results;

namespace Wibot.Api.Infrastructure;

/// <summary>Parses route and query values; malformed ones are a 400 naming the field.</summary>
internal static class RequestValues
{
    public static Guid ConversationId(string? value, string field = "conversation_id")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid(field, "The conversation id is required.");
        }

        return Guid.TryParse(value, out var id) && id != Guid.Empty ? id : throw Invalid(field, "The conversation id must be a UUID.");
    }

    public static int Limit(int? limit) => limit switch
    {
        null => 50,
        < 1 or > 200 => throw Invalid("limit", "limit must be between 1 and 200."),
        _ => limit.Value,
    };

    /// <summary>The earliest date a query may name (nothing in WIBOT is older).</summary>
    public static readonly DateOnly MinDate = new(1900, 1, 1);

    /// <summary>The latest date a query may name (far enough for any period, short of the calendar's end).</summary>
    public static readonly DateOnly MaxDate = new(2999, 12, 31);

    public static DateTimeOffset? Timestamp(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            throw Invalid(field, "Expected an ISO-8601 timestamp.");
        }

        return InRange(DateOnly.FromDateTime(t.UtcDateTime)) ? t : throw OutOfRange(field);
    }

    public static DateOnly? Date(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        DateOnly d;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var exact))
        {
            d = exact;
        }
        else if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            d = DateOnly.FromDateTime(t.UtcDateTime);
        }
        else
        {
            throw Invalid(field, "Expected a date (YYYY-MM-DD).");
        }

        return InRange(d) ? d : throw OutOfRange(field);
    }

    private static bool InRange(DateOnly d) => d >= MinDate && d <= MaxDate;

    private static ValidationException OutOfRange(string field) =>
        Invalid(field, $"{field} must be between {MinDate:yyyy-MM-dd} and {MaxDate:yyyy-MM-dd}.");

    public static ValidationException Invalid(string field, string message) =>
        new([new ValidationFailure(field, message)]);
}
