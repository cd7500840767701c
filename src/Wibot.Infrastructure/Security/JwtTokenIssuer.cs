using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;
using Wibot.Domain.Users;
using Wibot.Application.Common.Options;

namespace Wibot.Infrastructure.Security;

/// <summary>Issues HS256 tokens with the guide's claims (userId, username, role, accreditationLevel).</summary>
public sealed class JwtTokenIssuer(IOptions<JwtOptions> options, JwtSigningKey key) : ITokenIssuer
{
    public const string UserIdClaim = "userId";
    public const string UsernameClaim = "username";
    public const string RoleClaim = "role";
    public const string AccreditationClaim = "accreditationLevel";
    public const string StampClaim = "sst";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

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
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                [UserIdClaim] = user.Id,
                [UsernameClaim] = user.Username,
                [RoleClaim] = user.Role.ToWire(),
                [AccreditationClaim] = user.AccreditationLevel.ToString(),
                [StampClaim] = user.SecurityStamp.ToString("N"),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
        };
        return new IssuedToken(_handler.CreateToken(descriptor), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    public static int? ReadUserId(ClaimsPrincipal principal)
    {
        var value = principal?.FindFirst(UserIdClaim)?.Value;
        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
    }
}

/// <summary>The HMAC key, validated at start-up.</summary>
public sealed class JwtSigningKey(SymmetricSecurityKey key)
{
    public SymmetricSecurityKey Key { get; } = key;
}
