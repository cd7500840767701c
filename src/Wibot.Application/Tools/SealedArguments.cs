using System.Text.Json.Nodes;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Safeguard;

namespace Wibot.Application.Tools;

/// <summary>
/// Tool-call arguments as stored: each value under a secret-looking name (see <see cref="SecretNames"/>)
/// is replaced by <c>{"$sealed": "…"}</c>, encrypted with the secret protector, so that a copy of the
/// database does not reveal a temporary password. The binding hash is over the clear arguments;
/// <see cref="Open"/> gives them back, only to run the call.
/// </summary>
public static class SealedArguments
{
    private const string Marker = "$sealed";

    public static string Seal(string argumentsJson, ISecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        var root = JsonNode.Parse(argumentsJson);
        Walk(root, (obj, name) =>
        {
            if (SecretNames.LooksSecret(name) && obj[name] is { } value && !IsSealed(value))
            {
                obj[name] = new JsonObject { [Marker] = protector.Protect(value.ToJsonString()) };
            }
        });
        return root?.ToJsonString() ?? argumentsJson;
    }

    public static string Open(string argumentsJson, ISecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        var root = JsonNode.Parse(argumentsJson);
        Walk(root, (obj, name) =>
        {
            if (obj[name] is JsonObject sealedValue && IsSealed(sealedValue) && sealedValue[Marker]?.GetValue<string>() is { } text)
            {
                obj[name] = JsonNode.Parse(protector.Unprotect(text));
            }
        });
        return root?.ToJsonString() ?? argumentsJson;
    }

    private static bool IsSealed(JsonNode node) => node is JsonObject { Count: 1 } obj && obj.ContainsKey(Marker);

    private static void Walk(JsonNode? node, Action<JsonObject, string> visit)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    visit(obj, name);
                    if (obj[name] is { } child && !IsSealed(child))
                    {
                        Walk(child, visit);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item, visit);
                }

                break;
        }
    }
}
