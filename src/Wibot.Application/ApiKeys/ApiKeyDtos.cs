using System.Security.Cryptography;
using System.Text;

namespace Wibot.Application.ApiKeys;

public sealed record ApiKeyDto(Guid KeyId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public static class ApiKeySecrets
{
    public const string Prefix = "wbk_";

    /// <summary>The prefix and 32 random bytes in unpadded base64url.</summary>
    public const int Length = 4 + 43;

    public const string Pattern = "^wbk_[A-Za-z0-9_-]{43}$";

    /// <summary>What a key's name may be made of.</summary>
    public const string NamePattern = "^[A-Za-z0-9][A-Za-z0-9 _.-]*$";

    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Keys are long random values: a fast hash is enough and lets a key be found by its hash.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
