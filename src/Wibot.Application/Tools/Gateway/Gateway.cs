using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Application.Safeguard;
using Wibot.Application.Safeguard.GetSafeguardRequest;
using Wibot.Domain.Safeguard;
using Wibot.Domain.Tools;

namespace Wibot.Application.Tools.Gateway;

/// <summary>A tool as an outside agent sees it through WIBOT's MCP gateway.</summary>
public sealed record GatewayTool(string Name, string? Title, string Description, JsonElement InputSchema, string Level);

/// <summary>What a gateway call gave: the tool's own answer (L0), a pending approval (L1–L4), or a refusal.</summary>
public abstract record GatewayOutcome;

public sealed record GatewayRan(ToolResult Result) : GatewayOutcome;

public sealed record GatewayPending(string RequestId, string Level, DateTimeOffset ExpiresAt) : GatewayOutcome;

public sealed record GatewayRefused(string Reason) : GatewayOutcome;

/// <summary>Where a gateway request stands, for the key that raised it.</summary>
public sealed record GatewayRequestStatus(string RequestId, string Status, string? DecidedBy, string? Comment, string? Execution, string? Result);

public static class GatewayNames
{
    public const string Separator = "__";
    public const string StatusTool = "wibot_request_status";

    public static string Of(string server, string tool) => server + Separator + tool;

    /// <summary>
    /// The registered server and tool that <paramref name="name"/> (<c>server__tool</c>) names. Server
    /// and tool names may themselves hold "__", so every split is tried against the registered
    /// servers (names are unique) and the one that has such a tool wins. Null when none does.
    /// </summary>
    public static async Task<(ToolServer Server, ServerTool Tool)?> ResolveAsync(IWibotDbContext db, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var splits = new List<(string Server, string Tool)>();
        for (var at = name.IndexOf(Separator, StringComparison.Ordinal); at > 0; at = name.IndexOf(Separator, at + 1, StringComparison.Ordinal))
        {
            splits.Add((name[..at], name[(at + Separator.Length)..]));
        }

        var candidates = splits.Where(s => s.Tool.Length > 0).Select(s => s.Server).Distinct().ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var servers = await db.ToolServers.AsNoTracking().Include(s => s.Tools).Where(s => candidates.Contains(s.Name)).ToListAsync(ct);
        foreach (var (server, tool) in splits)
        {
            if (servers.Find(s => s.Name == server) is { } found && found.Tool(tool) is { } matched)
            {
                return (found, matched);
            }
        }

        return null;
    }
}

/// <summary>The enabled tools of the enabled servers, named <c>&lt;server&gt;__&lt;tool&gt;</c>, their level in the description.</summary>
public sealed record ListGatewayToolsQuery : IQuery<IReadOnlyList<GatewayTool>>;

public sealed class ListGatewayToolsHandler(IWibotDbContext db) : IQueryHandler<ListGatewayToolsQuery, IReadOnlyList<GatewayTool>>
{
    public async ValueTask<IReadOnlyList<GatewayTool>> Handle(ListGatewayToolsQuery query, CancellationToken cancellationToken)
    {
        var servers = await db.ToolServers.AsNoTracking().Include(s => s.Tools).Where(s => s.Enabled).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        return servers.SelectMany(s => s.Tools.Where(t => t.Enabled).OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => new GatewayTool(
            GatewayNames.Of(s.Name, t.Name),
            t.Title,
            $"[{t.Level}{(t.Level == ToolLevel.L0 ? ": runs at once" : ": runs once a WIBOT technician accredited for this level approves it")}] {t.Description}".Trim(),
            ParseSchema(t.InputSchema),
            t.Level.ToString()))).ToList();
    }

    private static JsonElement ParseSchema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>
/// An outside agent calls a tool: L0 is proxied to its server; L1–L4 becomes a Safeguard request
/// (origin gateway, raised by the key, for <paramref name="RequestedFor"/> when the agent names a WIBOT user)
/// and the agent gets <c>pending_approval</c> at once.
/// </summary>
public sealed record CallGatewayToolCommand(ToolServerKey Key, string Name, JsonElement Arguments, string? RequestedFor, string? ClientAddress) : ICommand<GatewayOutcome>
{
    public override string ToString() => $"CallGatewayToolCommand {{ Key = {Key.Name}, Name = {Name} }}";
}

public sealed class CallGatewayToolHandler(
    IWibotDbContext db, SafeguardJournal journal, IToolServerClient client, ISecretProtector protector, IOptions<SafeguardOptions> options, TimeProvider clock)
    : ICommandHandler<CallGatewayToolCommand, GatewayOutcome>
{
    public async ValueTask<GatewayOutcome> Handle(CallGatewayToolCommand command, CancellationToken cancellationToken)
    {
        if (await GatewayNames.ResolveAsync(db, command.Name, cancellationToken) is not var (server, tool))
        {
            return new GatewayRefused($"Unknown tool '{command.Name}'.");
        }

        if (!server.Enabled || !tool.Enabled)
        {
            return new GatewayRefused($"The tool '{command.Name}' is disabled.");
        }

        if (ToolArguments.Problem(tool.InputSchema, command.Arguments) is { } invalid)
        {
            return new GatewayRefused(invalid + " Nothing was run or requested.");
        }

        if (tool.Level == ToolLevel.L0)
        {
            try
            {
                return new GatewayRan(await client.CallToolAsync(ToolServerHeaders.EndpointOf(server, protector), tool.Name, command.Arguments, null, cancellationToken));
            }
            catch (ToolServerUnavailableException unavailable)
            {
                return new GatewayRefused(unavailable.Message);
            }
        }

        Domain.Users.User? requestedFor = null;
        if (!string.IsNullOrWhiteSpace(command.RequestedFor))
        {
            var name = command.RequestedFor.Trim();
            requestedFor = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Username == name, cancellationToken);
            if (requestedFor is null)
            {
                return new GatewayRefused("io.wibot/requested-for must be the username of a WIBOT user.");
            }
        }

        var now = clock.GetUtcNow();
        var request = SafeguardRequest.RaiseToolCall(
            server.Id, server.Name, tool.Name, command.Arguments.GetRawText(), (ActionLevel)(int)tool.Level,
            $"{command.Key.Name} asks to run {tool.Name} on {server.Name}.", RequestOrigin.Gateway, command.Key.Name, requestedFor,
            TimeSpan.FromMinutes(options.Value.DefaultTtlMinutes), now, command.Key.KeyId);
        request.RequireApprovals(options.Value.ApprovalsFor(request.Level));
        request.StoreArgumentsAs(SealedArguments.Seal(request.Arguments, protector));
        db.SafeguardRequests.Add(request);
        await journal.SaveAsync([request], command.ClientAddress, cancellationToken);
        return new GatewayPending(request.RequestId, request.Level.ToString(), request.ExpiresAt);
    }
}

/// <summary>Where a request raised through the gateway stands; only the key that raised it may read it (otherwise null).</summary>
public sealed record GetGatewayRequestStatusQuery(ToolServerKey Key, string RequestId) : IQuery<GatewayRequestStatus?>;

public sealed class GetGatewayRequestStatusHandler(IWibotDbContext db, TimeProvider clock) : IQueryHandler<GetGatewayRequestStatusQuery, GatewayRequestStatus?>
{
    public async ValueTask<GatewayRequestStatus?> Handle(GetGatewayRequestStatusQuery query, CancellationToken cancellationToken)
    {
        if (!SafeguardRequest.TryParseId(query.RequestId, out var id))
        {
            return null;
        }

        var request = await db.SafeguardRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null || !request.WasRaisedByKey(query.Key.KeyId, query.Key.Name))
        {
            return null;
        }

        return new GatewayRequestStatus(
            request.RequestId, SafeguardViews.StatusName(request.StatusAt(clock.GetUtcNow())), request.DecidedBy, request.Comment,
            request.ExecutionStatus is { } x ? SafeguardViews.ExecutionName(x) : null, request.ExecutionResult);
    }
}
