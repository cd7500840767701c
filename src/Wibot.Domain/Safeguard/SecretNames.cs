using System.Globalization;
using System.Text;

namespace Wibot.Domain.Safeguard;

/// <summary>
/// Which argument names hold secrets, in French and English, in any case and spelling
/// (<c>mot_de_passe</c>, <c>motDePasse</c>, <c>MDP</c>, <c>new-password</c>, <c>secret_key</c>, <c>pin</c>…),
/// plus the names a tool server declared secret when it raised the request.
/// </summary>
public static class SecretNames
{
    /// <summary>Whole words that name a secret on their own (matched word by word: <c>pin</c> is not <c>ping</c>).</summary>
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "password", "passwd", "pwd", "pass", "passphrase", "passcode", "mdp", "mdps", "secret", "secrets", "token", "tokens",
        "pin", "otp", "totp", "key", "cle", "clef", "credential", "credentials", "cred", "creds", "auth", "authorization",
        "cookie", "session", "cvv", "cvc", "iban", "salt", "hash", "signature", "bearer", "jwt", "privatekey", "apikey",
    };

    /// <summary>Runs of words that name a secret (joined without separators).</summary>
    private static readonly string[] Joined =
    [
        "motdepasse", "password", "passphrase", "secret", "apikey", "accesskey", "privatekey", "secretkey", "clientsecret",
        "connectionstring", "chainedeconnexion", "codepin", "codesecret", "jeton",
    ];

    public static bool LooksSecret(string name, IReadOnlyCollection<string>? declared = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (declared is { Count: > 0 } && declared.Any(d => string.Equals(Normalize(d), Normalize(name), StringComparison.Ordinal)))
        {
            return true;
        }

        var words = SplitWords(name);
        if (words.Any(Words.Contains))
        {
            return true;
        }

        var joined = string.Concat(words);
        return Joined.Any(j => joined.Contains(j, StringComparison.Ordinal));
    }

    private static string Normalize(string name) => string.Concat(SplitWords(name));

    /// <summary>Lower-case words without accents, split on separators and camelCase boundaries.</summary>
    private static List<string> SplitWords(string name)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var previousLower = false;
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (!char.IsLetterOrDigit(c) || (char.IsUpper(c) && previousLower))
            {
                Flush();
                previousLower = false;
                if (!char.IsLetterOrDigit(c))
                {
                    continue;
                }
            }

            current.Append(char.ToLowerInvariant(c));
            previousLower = char.IsLower(c) || char.IsDigit(c);
        }

        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
    }
}
