using System.Text.Json;
using System.Text.Json.Nodes;
using Mediator;
using ModelContextProtocol.Protocol;
using Wibot.Application.Tools.Gateway;

namespace Wibot.Api.Infrastructure;

/// <summary>
/// WIBOT as an MCP server for outside agents (<c>/mcp</c>, Streamable HTTP, stateless), authenticated
/// by a tool-server API key: the registered tools under the same gate as the chat. L0 calls are
/// proxied; L1–L4 calls answer <c>pending_approval</c> at once, and <c>wibot_request_status</c> gives
/// the result once a technician approved and WIBOT ran the call (the interim shape of MCP SEP-2848).
/// </summary>
internal static class McpGateway
{
    public const string Path = "/mcp";
    public const string RequestedForMeta = "io.wibot/requested-for";

    public static IServiceCollection AddMcpGateway(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddMcpServer(o => o.ServerInfo = new Implementation { Name = "WIBOT", Version = "1.0" })
            .WithHttpTransport(o => o.Stateless = true)
            .WithListToolsHandler(async (context, ct) =>
            {
                var tools = await Sender(context.Services).Send(new ListGatewayToolsQuery(), ct);
                var list = tools.Select(t => new Tool { Name = t.Name, Title = t.Title, Description = t.Description, InputSchema = t.InputSchema }).ToList();
                list.Add(StatusTool);
                return new ListToolsResult { Tools = list };
            })
            .WithCallToolHandler(async (context, ct) =>
            {
                var services = context.Services!;
                var key = ApiKeyAuthenticationHandler.KeyOf(services.GetRequiredService<IHttpContextAccessor>().HttpContext!.User)
                    ?? throw new InvalidOperationException("The gateway is reached with a tool-server key only.");
                var call = context.Params ?? throw new InvalidOperationException("tools/call without parameters.");
                var arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, JsonElement>());
                if (call.Name == GatewayNames.StatusTool)
                {
                    var requestId = arguments.TryGetProperty("request_id", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : string.Empty;
                    var status = await Sender(services).Send(new GetGatewayRequestStatusQuery(key, requestId), ct);
                    return status is null
                        ? Error($"Unknown request '{requestId}' (or not raised by this key).")
                        : Structured(
                            $"{status.RequestId}: {status.Status}{(status.Execution is null ? string.Empty : $", execution {status.Execution}")}.",
                            new JsonObject
                            {
                                ["request_id"] = status.RequestId,
                                ["status"] = status.Status,
                                ["decided_by"] = status.DecidedBy,
                                ["comment"] = status.Comment,
                                ["execution"] = status.Execution,
                                ["result"] = status.Result,
                            });
                }

                var requestedFor = call.Meta?[RequestedForMeta]?.GetValueKind() == JsonValueKind.String ? call.Meta[RequestedForMeta]!.GetValue<string>() : null;
                var outcome = await Sender(services).Send(new CallGatewayToolCommand(key, call.Name, arguments, requestedFor, null), ct);
                return outcome switch
                {
                    GatewayRan ran => new CallToolResult
                    {
                        Content = [new TextContentBlock { Text = ran.Result.Text }],
                        IsError = ran.Result.IsError,
                        StructuredContent = ran.Result.Structured,
                    },
                    GatewayPending pending => Structured(
                        $"Approval {pending.RequestId} ({pending.Level}) is pending: a WIBOT technician accredited for this level must approve it before {pending.ExpiresAt:O}. Ask wibot_request_status for the result.",
                        new JsonObject
                        {
                            ["status"] = "pending_approval",
                            ["request_id"] = pending.RequestId,
                            ["level"] = pending.Level,
                            ["expires_at"] = pending.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                        }),
                    GatewayRefused refused => Error(refused.Reason),
                    _ => Error("The call could not be handled."),
                };
            });
        return services;
    }

    private static readonly Tool StatusTool = new()
    {
        Name = GatewayNames.StatusTool,
        Title = "Where a WIBOT approval stands",
        Description = "Status of a Safeguard request raised by one of your calls (pending, approved, rejected, expired), who decided and why, and the tool's result once it has run.",
        InputSchema = JsonDocument.Parse("""{"type":"object","properties":{"request_id":{"type":"string","description":"The APR-… id a call returned."}},"required":["request_id"]}""").RootElement.Clone(),
    };

    private static ISender Sender(IServiceProvider? services) => (services ?? throw new InvalidOperationException("No request services.")).GetRequiredService<ISender>();

    private static CallToolResult Error(string text) => new() { Content = [new TextContentBlock { Text = text }], IsError = true };

    private static CallToolResult Structured(string text, JsonObject structured) => new()
    {
        Content = [new TextContentBlock { Text = text }],
        IsError = false,
        StructuredContent = JsonSerializer.SerializeToElement(structured),
    };
}
