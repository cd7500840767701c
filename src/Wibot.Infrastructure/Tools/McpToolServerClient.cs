using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Tools;

namespace Wibot.Infrastructure.Tools;

/// <summary>
/// WIBOT's MCP client (the official SDK, Streamable HTTP): one short session per operation, with the
/// server's configured headers, a bounded time, and failures turned into a message safe to show
/// (never a header value).
/// </summary>
internal sealed class McpToolServerClient(IHttpClientFactory http, ILoggerFactory loggers) : IToolServerClient
{
    public const string HttpClientName = "mcp";
    public const string RequestIdMeta = "io.wibot/request-id";
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private const int MaxTextLength = 16_000;

    public async Task<IReadOnlyList<ListedTool>> ListToolsAsync(ToolServerEndpoint endpoint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ListTimeout);
        try
        {
            await using var client = await ConnectAsync(endpoint, timeout.Token);
            var tools = await client.ListToolsAsync(cancellationToken: timeout.Token);
            return tools.Select(t => t.ProtocolTool).Select(t => new ListedTool(
                t.Name,
                t.Title,
                t.Description,
                t.InputSchema.ValueKind == JsonValueKind.Object ? t.InputSchema.GetRawText() : "{}",
                t.Annotations is null ? null : JsonSerializer.Serialize(t.Annotations, McpJsonUtilities.DefaultOptions))).ToList();
        }
        catch (Exception ex) when (IsServerFailure(ex, ct))
        {
            throw new ToolServerUnavailableException(Describe(ex, timeout.IsCancellationRequested, ListTimeout), ex);
        }
    }

    public async Task<ToolResult> CallToolAsync(ToolServerEndpoint endpoint, string tool, JsonElement arguments, string? requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CallTimeout);
        try
        {
            await using var client = await ConnectAsync(endpoint, timeout.Token);
            var call = new CallToolRequestParams
            {
                Name = tool,
                Arguments = arguments.ValueKind == JsonValueKind.Object
                    ? arguments.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
                    : new Dictionary<string, JsonElement>(),
                Meta = requestId is null ? null : new JsonObject { [RequestIdMeta] = requestId },
            };
            var result = await client.CallToolAsync(call, timeout.Token);
            var text = new StringBuilder();
            foreach (var block in result.Content)
            {
                if (block is TextContentBlock t)
                {
                    text.Append(text.Length == 0 ? string.Empty : "\n").Append(t.Text);
                }
            }

            var cut = text.Length > MaxTextLength ? text.ToString(0, MaxTextLength) + "…" : text.ToString();
            return new ToolResult(cut, result.IsError == true, result.StructuredContent is { } s ? JsonSerializer.SerializeToElement(s) : null);
        }
        catch (Exception ex) when (IsServerFailure(ex, ct))
        {
            throw new ToolServerUnavailableException(Describe(ex, timeout.IsCancellationRequested, CallTimeout), ex);
        }
    }

    private async Task<McpClient> ConnectAsync(ToolServerEndpoint endpoint, CancellationToken ct)
    {
        var transport = new HttpClientTransport(
            new HttpClientTransportOptions
            {
                Endpoint = new Uri(endpoint.Url),
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = endpoint.Headers.ToDictionary(h => h.Key, h => h.Value),
                Name = "wibot",
            },
            http.CreateClient(HttpClientName),
            loggers,
            ownsHttpClient: true);
        return await McpClient.CreateAsync(transport, new McpClientOptions { ClientInfo = new Implementation { Name = "WIBOT", Version = "1.0" } }, loggers, ct);
    }

    /// <summary>Anything but the caller's own cancellation is the server's failure.</summary>
    private static bool IsServerFailure(Exception ex, CancellationToken callerToken) =>
        !(ex is OperationCanceledException && callerToken.IsCancellationRequested) && ex is not OutOfMemoryException;

    private static string Describe(Exception ex, bool timedOut, TimeSpan limit) => timedOut
        ? $"The tool server did not answer within {limit.TotalSeconds:0} s."
        : ex switch
        {
            HttpRequestException { StatusCode: { } status } => $"The tool server answered HTTP {(int)status}.",
            HttpRequestException => "The tool server cannot be reached (connection refused or name unknown).",
            McpException mcp => $"The tool server refused: {Cut(mcp.Message)}",
            JsonException => "The tool server did not answer as an MCP server (invalid JSON).",
            _ => "The tool server did not answer as an MCP server.",
        };

    private static string Cut(string message) => message.Length <= 200 ? message : message[..200] + "…";
}
