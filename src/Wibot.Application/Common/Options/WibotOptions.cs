namespace Wibot.Application.Common.Options;

public sealed class JwtOptions
{
    public const string Section = "Jwt";

    public string? Secret { get; set; }

    public double LifetimeHours { get; set; } = 24;

    public string Issuer { get; set; } = "wibot";

    public string Audience { get; set; } = "wibot";
}

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>PBKDF2-SHA256 iterations for new hashes (OWASP recommends 600,000).</summary>
    public int PasswordIterations { get; set; } = 600_000;

    /// <summary>Failures in the window that are answered without delay.</summary>
    public int FreeFailures { get; set; } = 3;

    /// <summary>Extra delay per failure past the free ones, capped by <see cref="MaxDelayMs"/>.</summary>
    public int DelayStepMs { get; set; } = 250;

    public int MaxDelayMs { get; set; } = 2_000;

    /// <summary>Failures for one username in the window after which attempts are refused (429).</summary>
    public int MaxFailuresPerUsername { get; set; } = 10;

    /// <summary>Failures from one client address in the window after which attempts are refused (429).</summary>
    public int MaxFailuresPerAddress { get; set; } = 30;

    public int WindowMinutes { get; set; } = 15;

    /// <summary>How long a user's security state is trusted from memory before it is read again.</summary>
    public int SessionCacheSeconds { get; set; } = 5;
}

public sealed class QuotaOptions
{
    public const string Section = "Quota";

    public long DefaultMonthlyTokens { get; set; } = 50_000;

    public string TimeZone { get; set; } = "Europe/Paris";
}

public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    public string AdminUsername { get; set; } = "admin";

    public string? AdminPassword { get; set; }
}
