using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;

namespace Wibot.Infrastructure.Security;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a random salt, stored as <c>$pbkdf2-sha256$iterations$salt$hash</c>.
/// Legacy bcrypt hashes ($2a$, $2b$, $2y$) left by the n8n version are verified and reported for rehash.
/// </summary>
public sealed class Pbkdf2PasswordHasher(IOptions<AuthOptions> options) : IPasswordHasher
{
    private const string Prefix = "$pbkdf2-sha256$";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private readonly int _iterations = Math.Max(1_000, options.Value.PasswordIterations);
    private readonly Lazy<string> _dummy = new(() => HashWith(Guid.NewGuid().ToString(), Math.Max(1_000, options.Value.PasswordIterations)));

    public string Hash(string password) => HashWith(password, _iterations);

    public PasswordCheck Verify(string storedHash, string password)
    {
        ArgumentNullException.ThrowIfNull(storedHash);
        ArgumentNullException.ThrowIfNull(password);
        if (storedHash.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var parts = storedHash.Split('$');
            if (parts.Length != 5 || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
            {
                return PasswordCheck.Failed;
            }

            byte[] salt, expected;
            try
            {
                salt = Convert.FromBase64String(parts[3]);
                expected = Convert.FromBase64String(parts[4]);
            }
            catch (FormatException)
            {
                return PasswordCheck.Failed;
            }

            var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
            if (!CryptographicOperations.FixedTimeEquals(actual, expected))
            {
                return PasswordCheck.Failed;
            }

            return iterations < _iterations ? PasswordCheck.SucceededRehashNeeded : PasswordCheck.Succeeded;
        }

        if (storedHash.StartsWith("$2a$", StringComparison.Ordinal) || storedHash.StartsWith("$2b$", StringComparison.Ordinal) || storedHash.StartsWith("$2y$", StringComparison.Ordinal))
        {
            try
            {
                return BCrypt.Net.BCrypt.Verify(password, storedHash) ? PasswordCheck.SucceededRehashNeeded : PasswordCheck.Failed;
            }
            catch (Exception ex) when (ex is BCrypt.Net.SaltParseException or ArgumentException or FormatException)
            {
                return PasswordCheck.Failed;
            }
        }

        return PasswordCheck.Failed;
    }

    public void VerifyAgainstDummy(string password) => Verify(_dummy.Value, password);

    private static string HashWith(string password, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }
}
