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

public sealed class LlmOptions
{
    public const string Section = "Llm";

    /// <summary><c>anthropic</c>, <c>openai</c> or <c>offline</c>; default: anthropic when an API key is set.</summary>
    public string? Provider { get; set; }

    public ProviderOptions Anthropic { get; set; } = new();

    public ProviderOptions OpenAI { get; set; } = new();

    /// <summary>Overall time allowed for one answer, retries included.</summary>
    public int TimeoutSeconds { get; set; } = 90;

    public ResilienceOptions Resilience { get; set; } = new();

    public Dictionary<string, ModeOptions> Modes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public ModeOptions For(string mode)
    {
        var defaults = mode switch
        {
            "flash" => new ModeOptions { Model = "claude-haiku-4-5", MaxTokens = 1024, HistoryMessages = 10, Passages = 3 },
            "code" => new ModeOptions { Model = "claude-sonnet-4-5", MaxTokens = 4096, HistoryMessages = 20, Passages = 5 },
            _ => new ModeOptions { Model = "claude-sonnet-4-5", MaxTokens = 4096, HistoryMessages = 20, Passages = 5 },
        };
        if (Modes.TryGetValue(mode, out var configured))
        {
            return new ModeOptions
            {
                Model = string.IsNullOrWhiteSpace(configured.Model) ? defaults.Model : configured.Model,
                MaxTokens = configured.MaxTokens > 0 ? configured.MaxTokens : defaults.MaxTokens,
                HistoryMessages = configured.HistoryMessages > 0 ? configured.HistoryMessages : defaults.HistoryMessages,
                Passages = configured.Passages >= 0 ? configured.Passages : defaults.Passages,
                Tools = configured.Tools,
            };
        }

        return defaults;
    }
}

public sealed class ProviderOptions
{
    public string? ApiKey { get; set; }

    public string? BaseUrl { get; set; }

    /// <summary>Model used when a mode names none (OpenAI-compatible servers have their own names).</summary>
    public string? Model { get; set; }
}

public sealed class ResilienceOptions
{
    public int MaxRetries { get; set; } = 3;

    public int BaseDelayMs { get; set; } = 500;

    public int AttemptTimeoutSeconds { get; set; } = 60;

    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    public int CircuitBreakSeconds { get; set; } = 15;
}

public sealed class ModeOptions
{
    public string? Model { get; set; }

    public int MaxTokens { get; set; }

    public int HistoryMessages { get; set; }

    /// <summary>How many document passages ground an answer (-1: the mode's default).</summary>
    public int Passages { get; set; } = -1;

    /// <summary>Whether the model is offered the registered tools in this mode (<c>Llm:Modes:&lt;mode&gt;:Tools</c>).</summary>
    public bool Tools { get; set; } = true;
}

public sealed class SafeguardOptions
{
    public const string Section = "Safeguard";

    public int DefaultTtlMinutes { get; set; } = 45;

    /// <summary>How often the background job marks expired requests.</summary>
    public int ExpirySweepSeconds { get; set; } = 10;

    /// <summary>Longest long poll a tool server may ask for.</summary>
    public int MaxWaitSeconds { get; set; } = 60;

    /// <summary>Live event streams open at once per user (429 past it).</summary>
    public int MaxEventStreamsPerUser { get; set; } = 5;

    /// <summary>How often a live event stream sends a keep-alive and checks that its user may still listen.</summary>
    public int EventKeepAliveSeconds { get; set; } = 15;

    /// <summary>Per level (<c>L1</c>..<c>L4</c>): how many distinct people must approve (the two-person rule; 2 for L4 unless set).</summary>
    public Dictionary<string, SafeguardLevelOptions> Levels { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>WIBOT's minimum level per tool name, for requests raised by tool servers (a lower level is raised to it).</summary>
    public Dictionary<string, string> ToolLevels { get; } = new(StringComparer.Ordinal);

    /// <summary>The approvals a request of <paramref name="level"/> needs.</summary>
    public int ApprovalsFor(Domain.Safeguard.ActionLevel level) =>
        Levels.TryGetValue(level.ToString(), out var set) && set.Approvals is { } n ? n : level == Domain.Safeguard.ActionLevel.L4 ? 2 : 1;

    /// <summary>WIBOT's minimum level for <paramref name="tool"/>, if one is set.</summary>
    public Domain.Safeguard.ActionLevel? MinimumLevelFor(string tool) =>
        ToolLevels.TryGetValue(tool, out var text) && Enum.TryParse<Domain.Safeguard.ActionLevel>(text?.Trim(), ignoreCase: true, out var level) && Enum.IsDefined(level) ? level : null;
}

public sealed class SafeguardLevelOptions
{
    /// <summary>Distinct eligible approvals needed (1 to 5).</summary>
    public int? Approvals { get; set; }
}

public sealed class RagOptions
{
    public const string Section = "Rag";

    public string DocumentsPath { get; set; } = "rag-documents";

    public bool IndexOnStartup { get; set; } = true;

    /// <summary>Target size of a chunk, in characters.</summary>
    public int ChunkChars { get; set; } = 1200;

    /// <summary>Characters of the previous chunk repeated at the start of the next one in a section.</summary>
    public int OverlapChars { get; set; } = 150;
}

/// <summary>Bounds on reading attachments, so that a hostile file cannot exhaust memory or time.</summary>
public sealed class AttachmentOptions
{
    public const string Section = "Attachments";

    /// <summary>Files per chat message.</summary>
    public int MaxFiles { get; set; } = 5;

    /// <summary>All the files of one message together; the request body is refused past it (base64 counted) before it is read.</summary>
    public long MaxTotalBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>PDF pages read; the rest of a longer document is left out (the text is marked truncated).</summary>
    public int MaxPages { get; set; } = 500;

    /// <summary>Characters of text kept from one file; the rest is left out (marked truncated).</summary>
    public int MaxChars { get; set; } = 200_000;

    /// <summary>Time allowed to extract one PDF or DOCX; past it the file is refused (422).</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>What the entries of an archive-based file (DOCX) may expand to; past it the file is refused as a zip bomb (413).</summary>
    public long MaxExpandedBytes { get; set; } = 64L * 1024 * 1024;
}

/// <summary>Per-user request rates.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Chat messages a user may send in any minute (429 with Retry-After past it).</summary>
    public int ChatPerMinute { get; set; } = 30;
}
