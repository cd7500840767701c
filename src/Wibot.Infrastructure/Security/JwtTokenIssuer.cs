using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;
using Wibot.Domain.Users;
using Wibot.Application.Common.Options;
using Wibot.Application.Common.Security;

namespace Wibot.Infrastructure.Security;

/// <summary>Issues HS256 tokens with the guide's claims (userId, username, role, accreditationLevel).</summary>
internal sealed class JwtTokenIssuer(IOptions<JwtOptions> options, AccessTokenKey key) : ITokenIssuer
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey _key = new(key.Bytes()) { KeyId = "wibot" };

    public IssuedToken Issue(User user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        var o = options.Value;
        var expires = now.AddHours(o.LifetimeHours);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = o.Issuer,
            Audience = o.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                [WibotClaims.UserId] = user.Id,
                [WibotClaims.Username] = user.Username,
                [WibotClaims.Role] = user.Role.ToWire(),
                [WibotClaims.Accreditation] = user.AccreditationLevel.ToString(),
                [WibotClaims.Stamp] = user.SecurityStamp.ToString("N"),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
        };
        return new IssuedToken(_handler.CreateToken(descriptor), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }
}
