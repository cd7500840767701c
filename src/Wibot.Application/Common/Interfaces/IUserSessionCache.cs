namespace Wibot.Application.Common.Interfaces;

/// <summary>Remembers which security stamp each user's tokens must carry; changes revoke tokens at once.</summary>
public interface IUserSessionCache
{
    void Invalidate(int userId);

    /// <summary>Whether a token of <paramref name="userId"/> carrying <paramref name="stamp"/> is still good (active user, same stamp).</summary>
    ValueTask<bool> IsValidAsync(int userId, string? stamp, CancellationToken ct);
}
