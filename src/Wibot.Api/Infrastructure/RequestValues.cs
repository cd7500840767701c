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

    public static DateTimeOffset? Timestamp(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw Invalid(field, "Expected an ISO-8601 timestamp.");
    }

    public static DateOnly? Date(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? DateOnly.FromDateTime(t.UtcDateTime)
            : throw Invalid(field, "Expected a date (YYYY-MM-DD).");
    }

    public static ValidationException Invalid(string field, string message) =>
        new([new ValidationFailure(field, message)]);
}
