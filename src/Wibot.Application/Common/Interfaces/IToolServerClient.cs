using System.Text.Json;
using Wibot.Domain.Tools;

namespace Wibot.Application.Common.Interfaces;

/// <summary>Where a tool server answers, and the request headers (secrets) it expects.</summary>
public sealed record ToolServerEndpoint(string Url, IReadOnlyDictionary<string, string> Headers)
{
    public override string ToString() => $"ToolServerEndpoint {{ Url = {Url}, Headers = [{string.Join(", ", Headers.Keys)}] }}";
}

/// <summary>What a tool returned: its text, and whether the server called it an error.</summary>
public sealed record ToolResult(string Text, bool IsError, JsonElement? Structured);

/// <summary>The tool server could not be reached, or did not answer as an MCP server (the message is safe to show).</summary>
public sealed class ToolServerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>WIBOT as the MCP client of the tool servers an admin registered.</summary>
public interface IToolServerClient
{
    Task<IReadOnlyList<ListedTool>> ListToolsAsync(ToolServerEndpoint endpoint, CancellationToken ct);

    /// <param name="requestId">The Safeguard request that approved the call (passed as <c>_meta</c> so that the server may deduplicate), or null for an L0 call.</param>
    Task<ToolResult> CallToolAsync(ToolServerEndpoint endpoint, string tool, JsonElement arguments, string? requestId, CancellationToken ct);
}

/// <summary>Encrypts secrets kept at rest (tool servers' headers) so that every instance can read them and nobody else.</summary>
public interface ISecretProtector
{
    string Protect(string plaintext);

    string Unprotect(string protectedText);
}
