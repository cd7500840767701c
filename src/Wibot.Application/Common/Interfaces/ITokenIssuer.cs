using Wibot.Domain.Users;

namespace Wibot.Application.Common.Interfaces;

public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

public interface ITokenIssuer
{
    IssuedToken Issue(User user, DateTimeOffset now);
}
