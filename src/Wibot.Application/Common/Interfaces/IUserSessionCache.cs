namespace Wibot.Application.Common.Interfaces;

/// <summary>Remembers which security stamp each user's tokens must carry; changes revoke tokens at once.</summary>
public interface IUserSessionCache
{
    void Invalidate(int userId);
}
