using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Tools;

namespace Wibot.Infrastructure.Tools;

/// <summary>
/// WIBOT's MCP client (the official SDK, Streamable HTTP): one short session per operation, with the
/// server's configured headers, a bounded time, and failures turned into a message safe to show
/// (never a header value). A result's text is cut at <see cref="MaxResultLength"/> characters, with a
/// clear marker, so that what is stored and handed to the model (or to an agent) stays bounded.
/// </summary>
internal sealed class McpToolServerClient(IHttpClientFactory http, ILoggerFactory loggers, IOptions<ToolServerClientOptions> options) : IToolServerClient, IAsyncDisposable
{
    // Sessions kept per endpoint for reads (L0 calls): reusing one spares the initialize round trip
    // of every call. An approved call (with a request id) always opens its own session, so that a
    // stale pooled session can never make it fail, and it is never retried.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<McpClient>>> _sessions = new(StringComparer.Ordinal);

    public const string HttpClientName = "mcp";
    public const string RequestIdMeta = "io.wibot/request-id";
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most characters of a tool's text kept: below what a call record and a request keep
    /// (<see cref="ToolCall.ResultMaxLength"/>, <see cref="Domain.Safeguard.SafeguardRequest.ResultMaxLength"/>),
    /// so that the truncation marker is never cut away itself.
    /// </summary>
    public const int MaxResultLength = 7_800;

    private TimeSpan CallTimeout => options.Value.CallTimeout;

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
            if (requestId is null)
            {
                // A read: on a pooled session, once again on a fresh one if that session went stale.
                try
                {
                    return await CallAsync(await PooledAsync(endpoint, timeout.Token), tool, arguments, null, timeout.Token);
                }
                catch (Exception stale) when (IsServerFailure(stale, ct) && !timeout.IsCancellationRequested)
                {
                    await EvictAsync(endpoint);
                    return await CallAsync(await PooledAsync(endpoint, timeout.Token), tool, arguments, null, timeout.Token);
                }
            }

            await using var client = await ConnectAsync(endpoint, timeout.Token);
            return await CallAsync(client, tool, arguments, requestId, timeout.Token);
        }
        catch (Exception ex) when (IsServerFailure(ex, ct))
        {
            if (requestId is null)
            {
                await EvictAsync(endpoint);
            }

            throw new ToolServerUnavailableException(Describe(ex, timeout.IsCancellationRequested, CallTimeout), ex);
        }
    }

    private static async Task<ToolResult> CallAsync(McpClient client, string tool, JsonElement arguments, string? requestId, CancellationToken ct)
    {
        {
            var call = new CallToolRequestParams
            {
                Name = tool,
                Arguments = arguments.ValueKind == JsonValueKind.Object
                    ? arguments.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
                    : new Dictionary<string, JsonElement>(),
                Meta = requestId is null ? null : new JsonObject { [RequestIdMeta] = requestId },
            };
            var result = await client.CallToolAsync(call, ct);
            var text = new StringBuilder();
            foreach (var block in result.Content)
            {
                if (block is TextContentBlock t)
                {
                    text.Append(text.Length == 0 ? string.Empty : "\n").Append(t.Text);
                }
            }

            return new ToolResult(Truncated(text), result.IsError == true, result.StructuredContent is { } s ? JsonSerializer.SerializeToElement(s) : null);
        }
    }

    /// <summary>The text as kept: whole, or its first <see cref="MaxResultLength"/> characters and a marker saying how long it was.</summary>
    internal static string Truncated(StringBuilder text) => text.Length <= MaxResultLength
        ? text.ToString()
        : string.Create(CultureInfo.InvariantCulture, $"{text.ToString(0, MaxResultLength)}\n[truncated: the tool's result was {text.Length:N0} characters long; only the first {MaxResultLength:N0} are kept]");

    private static string KeyOf(ToolServerEndpoint endpoint) =>
        endpoint.Url + "\n" + string.Join("\n", endpoint.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => h.Key + ":" + h.Value));

    private Task<McpClient> PooledAsync(ToolServerEndpoint endpoint, CancellationToken ct) =>
        _sessions.GetOrAdd(KeyOf(endpoint), _ => new Lazy<Task<McpClient>>(() => ConnectBoundedAsync(endpoint))).Value.WaitAsync(ct);

    /// <summary>A pooled session is opened for whoever asks next, not for this caller: its own time limit, not the caller's token.</summary>
    private async Task<McpClient> ConnectBoundedAsync(ToolServerEndpoint endpoint)
    {
        using var limit = new CancellationTokenSource(ListTimeout);
        return await ConnectAsync(endpoint, limit.Token);
    }

    private async Task EvictAsync(ToolServerEndpoint endpoint)
    {
        if (_sessions.TryRemove(KeyOf(endpoint), out var session) && session.IsValueCreated)
        {
            try
            {
                await (await session.Value).DisposeAsync();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // a broken session: nothing more to release
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _sessions.Keys.ToList())
        {
            if (_sessions.TryRemove(key, out var session) && session.IsValueCreated && session.Value.IsCompletedSuccessfully)
            {
                await session.Value.Result.DisposeAsync();
            }
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
            McpProtocolException refusal => $"The tool server refused: {Cut(refusal.Message)}",
            McpException mcp => $"The tool server did not answer as an MCP server ({Cut(mcp.Message)}).", // a reply that is not JSON-RPC, e.g. an HTML page
            JsonException => "The tool server did not answer as an MCP server (invalid JSON).",
            _ => "The tool server did not answer as an MCP server.",
        };

    private static string Cut(string message) => message.Length <= 200 ? message : message[..200] + "…";
}
