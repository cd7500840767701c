using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Wibot.Domain.Safeguard;

/// <summary>
/// What an approval is bound to: the server, the tool and the exact arguments, as the SHA-256 of a
/// canonical form (object keys sorted by code point, no insignificant whitespace, strings as JSON
/// writes them), so that arguments stored and read back compare equal and any change does not.
/// </summary>
public static class ToolCallBinding
{
    public static string Digest(string server, string tool, string argumentsJson)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(argumentsJson);
        using var arguments = JsonDocument.Parse(argumentsJson);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("arguments");
            WriteCanonical(writer, arguments.RootElement);
            writer.WriteString("server", server);
            writer.WriteString("tool", tool);
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>Encoding-independent comparison of a stored digest with a fresh one.</summary>
    public static bool Matches(string? stored, string server, string tool, string argumentsJson) =>
        stored is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(Digest(server, tool, argumentsJson)));
}
