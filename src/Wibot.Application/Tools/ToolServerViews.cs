using System.Text.Json;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Tools;

namespace Wibot.Application.Tools;

/// <summary>A tool as admins see it: WIBOT's level and flag, the server's description and hints.</summary>
public sealed record ToolDto(string Name, string? Title, string? Description, string Level, bool Enabled, JsonElement? Annotations);

/// <summary>A registered tool server (its header values are never shown, only their names).</summary>
public sealed record ToolServerDto(
    Guid ServerId,
    string Name,
    string Url,
    bool Enabled,
    string Status,
    string? Error,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> HeaderNames,
    IReadOnlyList<ToolDto> Tools);

public sealed record ToolServersResponse(IReadOnlyList<ToolServerDto> Servers);

public static class ToolServerViews
{
    public static ToolServerDto ToDto(ToolServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new ToolServerDto(
            server.Id, server.Name, server.Url, server.Enabled, server.Status == ToolServerStatus.Ok ? "ok" : "unreachable", server.Error,
            server.CreatedAt, server.HeaderNames, server.Tools.OrderBy(t => t.Name, StringComparer.Ordinal).Select(ToDto).ToList());
    }

    public static ToolDto ToDto(ServerTool tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return new ToolDto(tool.Name, tool.Title, tool.Description, tool.Level.ToString(), tool.Enabled, ParseOrNull(tool.Annotations));
    }

    /// <summary>What the audit log keeps of a server: never a header value.</summary>
    internal static object Snapshot(ToolServer server) => new
    {
        name = server.Name,
        url = server.Url,
        enabled = server.Enabled,
        header_names = server.HeaderNames,
    };

    internal static object Snapshot(ServerTool tool) => new { level = tool.Level.ToString(), enabled = tool.Enabled };

    private static JsonElement? ParseOrNull(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>The headers of a server, kept encrypted as one JSON object.</summary>
internal static class ToolServerHeaders
{
    public static string? Protect(ISecretProtector protector, IReadOnlyDictionary<string, string>? headers) =>
        headers is null || headers.Count == 0 ? null : protector.Protect(JsonSerializer.Serialize(headers));

    public static ToolServerEndpoint EndpointOf(ToolServer server, ISecretProtector protector)
    {
        var headers = server.ProtectedHeaders is null
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>(protector.Unprotect(server.ProtectedHeaders)) ?? [];
        return new ToolServerEndpoint(server.Url, headers);
    }

    /// <summary>Lists the server's tools and applies the listing; an unreachable server keeps its tools and says why.</summary>
    public static async Task ListAsync(ToolServer server, ISecretProtector protector, IToolServerClient client, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var tools = await client.ListToolsAsync(EndpointOf(server, protector), ct);
            server.ApplyListing(tools, now);
        }
        catch (ToolServerUnavailableException unavailable)
        {
            server.MarkUnreachable(unavailable.Message, now);
        }
    }
}
