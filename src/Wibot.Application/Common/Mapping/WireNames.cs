using Wibot.Domain.Conversations;
using Wibot.Domain.Users;

namespace Wibot.Application.Common.Mapping;

/// <summary>The lower-case names the contract uses on the wire for domain enums.</summary>
public static class WireNames
{
    public static string ToWire(this UserRole role) => role == UserRole.Admin ? "admin" : "user";

    public static string ToWire(this ChatMode mode) => mode switch
    {
        ChatMode.Flash => "flash",
        ChatMode.Code => "code",
        ChatMode.Redaction => "redaction",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static string ToWire(this MessageRole role) => role == MessageRole.Assistant ? "assistant" : "user";

    public static bool TryParseRole(string? value, out UserRole role)
    {
        switch (value)
        {
            case "admin":
                role = UserRole.Admin;
                return true;
            case "user":
                role = UserRole.User;
                return true;
            default:
                role = default;
                return false;
        }
    }

    public static bool TryParseMode(string? value, out ChatMode mode)
    {
        switch (value)
        {
            case "flash":
                mode = ChatMode.Flash;
                return true;
            case "code":
                mode = ChatMode.Code;
                return true;
            case "redaction":
                mode = ChatMode.Redaction;
                return true;
            default:
                mode = default;
                return false;
        }
    }

    public static bool TryParseAccreditation(string? value, out AccreditationLevel level)
    {
        level = default;
        return value is { Length: 2 } && value[0] == 'N' && value[1] is >= '0' and <= '4'
            && Enum.TryParse(value, out level);
    }
}
