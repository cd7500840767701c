using System.Globalization;
using System.Security.Claims;

namespace Wibot.Application.Common.Security;

/// <summary>
/// The claims a technician's access token carries (the guide's names: userId, username, role,
/// accreditationLevel, plus the security stamp that lets a change revoke every token at once).
/// The issuer writes them, the API's bearer scheme reads them.
/// </summary>
public static class WibotClaims
{
    public const string UserId = "userId";
    public const string Username = "username";
    public const string Role = "role";
    public const string Accreditation = "accreditationLevel";
    public const string Stamp = "sst";

    public static int? ReadUserId(ClaimsPrincipal? principal)
    {
        var value = principal?.FindFirst(UserId)?.Value;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }
}

/// <summary>
/// The HMAC key that signs and verifies access tokens, validated (or, in Development only, drawn at
/// random) once at start-up, so that the issuer and the bearer scheme share the very same bytes.
/// </summary>
public sealed class AccessTokenKey(byte[] key)
{
    private readonly byte[] _key = (byte[])key.Clone();

    public byte[] Bytes() => (byte[])_key.Clone();
}
