using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace Wibot.Application.Common.Validation;

/// <summary>
/// Text PostgreSQL cannot store: the NUL character (refused by <c>text</c> and <c>jsonb</c>) and
/// unpaired UTF-16 surrogates (no UTF-8 form). Every free-text field of every command and query is
/// checked the same way, before any handler runs: such input is refused with 400, never a 500.
/// </summary>
public static class StorableText
{
    private const int MaxDepth = 6;

    private static readonly ConcurrentDictionary<Type, Member[]> Members = new();

    /// <summary>The path of the first member of <paramref name="message"/> holding text that cannot be stored, or null.</summary>
    public static string? FindUnstorable(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Find(message, string.Empty, 0);
    }

    /// <summary>Whether <paramref name="value"/> holds a NUL or an unpaired surrogate.</summary>
    public static bool IsUnstorable(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return true;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string? Find(object? value, string path, int depth)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return IsUnstorable(s) ? path : null;
            case JsonElement json:
                return FindInJson(json, path, depth) ? path : null;
            case IEnumerable items when value.GetType().IsGenericType || value.GetType().IsArray:
                if (value is IEnumerable<byte> or ReadOnlyMemory<byte>)
                {
                    return null;
                }

                var index = 0;
                foreach (var item in items)
                {
                    if (Find(item, $"{path}[{index++}]", depth + 1) is { } found)
                    {
                        return found;
                    }
                }

                return null;
        }

        if (depth > MaxDepth || !IsOwnType(value.GetType()))
        {
            return null;
        }

        foreach (var member in Members.GetOrAdd(value.GetType(), Discover))
        {
            var found = Find(member.Get(value), path.Length == 0 ? member.Name : $"{path}.{member.Name}", depth + 1);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    private static bool FindInJson(JsonElement json, string path, int depth)
    {
        if (depth > 64)
        {
            return false;
        }

        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                return IsUnstorable(json.GetString());
            case JsonValueKind.Object:
                foreach (var p in json.EnumerateObject())
                {
                    if (IsUnstorable(p.Name) || FindInJson(p.Value, path, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in json.EnumerateArray())
                {
                    if (FindInJson(item, path, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool IsOwnType(Type type) => type.Namespace?.StartsWith("Wibot.", StringComparison.Ordinal) == true && !type.IsEnum;

    private static Member[] Discover(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead && Worth(p.PropertyType))
            .Select(p => new Member(p.Name, p.GetValue))
            .ToArray();

    private static bool Worth(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t == typeof(JsonElement)
            || (t != typeof(ReadOnlyMemory<byte>) && typeof(IEnumerable).IsAssignableFrom(t) && t != typeof(byte[]))
            || (IsOwnType(t) && (t.IsClass || t.IsValueType));
    }

    private sealed record Member(string Name, Func<object, object?> Get);
}
