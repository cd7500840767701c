using System.Text.RegularExpressions;
using FluentValidation;
using Wibot.Domain.Tools;

namespace Wibot.Application.Tools;

public static partial class ToolServerRules
{
    public const int HeaderValueMaxLength = 4096;

    /// <summary>Headers WIBOT's MCP client sets itself, which a server's configuration may not replace.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Accept", "Connection", "Transfer-Encoding", "Mcp-Session-Id", "Mcp-Protocol-Version",
    };

    internal static IRuleBuilderOptions<T, string?> ValidServerName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(ToolServer.IsValidName).WithMessage($"name: 1 to {ToolServer.NameMaxLength} letters, digits, '-' or '_'.");

    internal static IRuleBuilderOptions<T, string?> ValidServerUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(ToolServer.IsValidUrl).WithMessage($"url: an absolute http(s) URL of at most {ToolServer.UrlMaxLength} characters.");

    internal static IRuleBuilderOptions<T, IReadOnlyDictionary<string, string>?> ValidHeaders<T>(this IRuleBuilder<T, IReadOnlyDictionary<string, string>?> rule) =>
        rule.Must(h => h is null || h.Count <= ToolServer.MaxHeaders).WithMessage($"headers: at most {ToolServer.MaxHeaders}.")
            .Must(h => h is null || h.All(kv => HeaderName().IsMatch(kv.Key) && !Reserved.Contains(kv.Key)))
            .WithMessage("headers: names are HTTP tokens, and WIBOT sets Host, Content-*, Accept and Mcp-* itself.")
            .Must(h => h is null || h.Values.All(v => v is { Length: <= HeaderValueMaxLength } && !v.Any(char.IsControl)))
            .WithMessage($"headers: values of at most {HeaderValueMaxLength} characters, without control characters.");

    internal static bool TryParseLevel(string? value, out ToolLevel level)
    {
        level = default;
        return value is { Length: 2 } && (value[0] is 'L' or 'l') && value[1] is >= '0' and <= '4' && Enum.TryParse(value.ToUpperInvariant(), out level);
    }

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")]
    private static partial Regex HeaderName();
}
