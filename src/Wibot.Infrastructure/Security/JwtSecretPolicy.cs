using System.Text;

namespace Wibot.Infrastructure.Security;

/// <summary>Decides whether a configured JWT secret is strong enough for production.</summary>
public static class JwtSecretPolicy
{
    public const int MinimumBytes = 32;

    private static readonly string[] KnownWeak =
    [
        "wibot_secret", "secret", "changeme", "change_me", "your-secret-key", "your_secret_key", "jwt_secret",
        "supersecret", "password", "mysecret", "default", "test", "development",
    ];

    /// <summary>Returns null when the secret is acceptable, otherwise why it is not.</summary>
    public static string? Problem(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return "Jwt:Secret is not set. Set a random secret of at least 32 bytes (for example: openssl rand -base64 48) in Jwt__Secret.";
        }

        var lowered = secret.Trim().ToLowerInvariant();
        if (KnownWeak.Any(w => lowered == w || lowered.StartsWith(w, StringComparison.Ordinal) && lowered.Length < w.Length + 16))
        {
            return "Jwt:Secret is a known weak value. Set a random secret of at least 32 bytes in Jwt__Secret.";
        }

        if (Encoding.UTF8.GetByteCount(secret) < MinimumBytes)
        {
            return $"Jwt:Secret is too short ({Encoding.UTF8.GetByteCount(secret)} bytes); at least {MinimumBytes} bytes are required.";
        }

        if (secret.Distinct().Count() < 10)
        {
            return "Jwt:Secret is too repetitive to be a random key. Set a random secret of at least 32 bytes in Jwt__Secret.";
        }

        return null;
    }
}
