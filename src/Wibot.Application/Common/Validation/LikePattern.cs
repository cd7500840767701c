namespace Wibot.Application.Common.Validation;

/// <summary>Makes user text match itself literally in a SQL LIKE/ILIKE pattern (escape character: backslash).</summary>
public static class LikePattern
{
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
    }
}
