using System.Text.Json;
using Wibot.Domain.Tokens;
using Wibot.Domain.Users;

namespace Wibot.Application.Admin;

public sealed record AdminUserDto(
    int Id,
    int UserId,
    string Username,
    string? Email,
    string Role,
    string AccreditationLevel,
    bool IsActive,
    DateTimeOffset CreatedAt,
    long UsedTokens,
    long QuotaTokens)
{
    public static AdminUserDto From(User user, MonthlyTokenUsage usage) => new(
        user.Id,
        user.Id,
        user.Username,
        user.Email,
        user.IsAdmin ? "admin" : "user",
        user.AccreditationLevel.ToString(),
        user.IsActive,
        user.CreatedAt,
        usage.UsedTokens,
        usage.QuotaTokens);
}

/// <summary>A user's fields as the audit log records them (never the password hash).</summary>
internal static class AuditSnapshot
{
    public static object Of(User user) => new
    {
        username = user.Username,
        email = user.Email,
        role = user.IsAdmin ? "admin" : "user",
        accreditation_level = user.AccreditationLevel.ToString(),
        is_active = user.IsActive,
    };

    public static string Diff(object? before, object? after, object? extra = null) =>
        JsonSerializer.Serialize(new { before, after, extra });
}
