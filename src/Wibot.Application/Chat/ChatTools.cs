using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Application.Safeguard;
using Wibot.Application.Tools;
using Wibot.Application.Tools.Gateway;
using Wibot.Domain.Audit;
using Wibot.Domain.Safeguard;
using Wibot.Domain.Tools;

namespace Wibot.Application.Chat;

/// <summary>A tool call of a turn as the chat answer and the messages list show it.</summary>
public sealed record ChatToolCallDto(string CallId, string Tool, string Status, string? RequestId);

/// <summary>What one round of the model's tool calls gave: results to hand back (L0), or requests now awaiting approval.</summary>
public sealed record ToolRound(IReadOnlyList<FunctionResultContent> Results, IReadOnlyList<SafeguardRequest> Pending, IReadOnlyList<ToolCall> Calls);

/// <summary>
/// The registered tools in the chat: offered to the model (enabled tools of enabled servers, named
/// <c>server__tool</c>); an L0 call runs at once and its result goes back to the model; an L1–L4 call
/// raises a Safeguard request on behalf of the chatting user, who therefore can never decide it, and
/// ends the turn.
/// </summary>
public sealed class ChatTools(IWibotDbContext db, SafeguardJournal journal, IToolServerClient client, ISecretProtector protector, IOptions<SafeguardOptions> safeguard, TimeProvider clock)
{
    /// <summary>How many rounds of L0 calls a turn may make before the model must answer.</summary>
    public const int MaxRounds = 4;

    /// <summary>Calls handled in one round; the model is told that the others were not run.</summary>
    public const int MaxCallsPerRound = 8;

    /// <summary>The most calls one turn can show.</summary>
    public const int MaxCallsPerTurn = MaxRounds * MaxCallsPerRound;

    public async Task OfferAsync(ChatTurn turn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (!turn.Settings.Tools)
        {
            return;
        }

        var servers = await db.ToolServers.AsNoTracking().Include(s => s.Tools).Where(s => s.Enabled).ToListAsync(ct);
        var tools = servers.SelectMany(s => s.Tools.Where(t => t.Enabled).Select(t => (AITool)AIFunctionFactory.CreateDeclaration(
            GatewayNames.Of(s.Name, t.Name),
            $"{t.Description} (niveau {t.Level}{(t.Level == ToolLevel.L0 ? ", exécuté immédiatement" : ", exécuté seulement après l'approbation d'un second technicien")})",
            Schema(t.InputSchema)))).ToList();
        if (tools.Count > 0)
        {
            turn.Options.Tools = tools;
        }
    }

    /// <summary>Handles the calls the model asked for in one round.</summary>
    public async Task<ToolRound> HandleAsync(ChatTurn turn, int userId, IReadOnlyList<FunctionCallContent> calls, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(calls);
        var results = new List<FunctionResultContent>();
        var pending = new List<SafeguardRequest>();
        var made = new List<ToolCall>();
        foreach (var extra in calls.Skip(MaxCallsPerRound))
        {
            results.Add(new FunctionResultContent(extra.CallId, $"Pas plus de {MaxCallsPerRound} appels d'outils à la fois : celui-ci n'a pas été exécuté."));
        }

        foreach (var call in calls.Take(MaxCallsPerRound))
        {
            var arguments = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>());
            var resolved = await GatewayNames.ResolveAsync(db, call.Name, ct);
            var now = clock.GetUtcNow();
            if (resolved is not var (server, tool) || !server.Enabled || !tool.Enabled)
            {
                var why = $"L'outil « {call.Name} » n'existe pas ou est désactivé : rien n'a été exécuté.";
                var at = call.Name.IndexOf(GatewayNames.Separator, StringComparison.Ordinal);
                var (serverName, toolName) = resolved is var (known, knownTool) ? (known.Name, knownTool.Name)
                    : at > 0 ? (call.Name[..at], call.Name[(at + GatewayNames.Separator.Length)..]) : (string.Empty, call.Name);
                made.Add(ToolCall.Refused(call.CallId, turn.ConversationId, turn.AnswerId, userId, Cut(serverName, ToolServer.NameMaxLength), Cut(toolName, ServerTool.NameMaxLength), arguments, why, now));
                results.Add(new FunctionResultContent(call.CallId, why));
                continue;
            }

            string? invalid;
            using (var parsed = JsonDocument.Parse(arguments))
            {
                invalid = ToolArguments.Problem(tool.InputSchema, parsed.RootElement);
            }

            if (invalid is not null)
            {
                var why = $"Arguments refusés, rien n'a été exécuté ni demandé : {invalid}";
                made.Add(ToolCall.Refused(call.CallId, turn.ConversationId, turn.AnswerId, userId, server.Name, tool.Name, arguments, why, now));
                results.Add(new FunctionResultContent(call.CallId, why));
                continue;
            }

            if (tool.Level == ToolLevel.L0)
            {
                ToolCall ran;
                try
                {
                    using var parsed = JsonDocument.Parse(arguments);
                    var result = await client.CallToolAsync(ToolServerHeaders.EndpointOf(server, protector), tool.Name, parsed.RootElement, null, ct);
                    ran = ToolCall.Ran(call.CallId, turn.ConversationId, turn.AnswerId, userId, server.Name, tool.Name, arguments, !result.IsError, result.Text, clock.GetUtcNow());
                }
                catch (ToolServerUnavailableException unavailable)
                {
                    ran = ToolCall.Ran(call.CallId, turn.ConversationId, turn.AnswerId, userId, server.Name, tool.Name, arguments, false, unavailable.Message, clock.GetUtcNow());
                }

                made.Add(ran);
                results.Add(new FunctionResultContent(call.CallId, ran.Result));
                continue;
            }

            var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, ct);
            var request = SafeguardRequest.RaiseToolCall(
                server.Id, server.Name, tool.Name, arguments, (ActionLevel)(int)tool.Level, Reason(reason), RequestOrigin.Chat, user.Username, user,
                TimeSpan.FromMinutes(safeguard.Value.DefaultTtlMinutes), now, conversationId: turn.ConversationId);
            request.RequireApprovals(safeguard.Value.ApprovalsFor(request.Level));
            request.StoreArgumentsAs(SealedArguments.Seal(request.Arguments, protector));
            db.SafeguardRequests.Add(request);
            await journal.SaveAsync([request], null, ct);
            pending.Add(request);
            made.Add(ToolCall.Pending(call.CallId, turn.ConversationId, turn.AnswerId, userId, server.Name, tool.Name, arguments, tool.Level, request.Id, now));
        }

        foreach (var call in made)
        {
            call.StoreArgumentsAs(SealedArguments.Seal(call.Arguments, protector));
        }

        db.ToolCalls.AddRange(made);
        var actor = made.Count == 0 ? null : await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Username).FirstOrDefaultAsync(ct);
        foreach (var call in made)
        {
            // The chain's first link: the message that proposed the call, then (by the request id) its decisions, execution and continuation.
            db.AuditEntries.Add(AuditEntry.Record(
                AuditActions.ChatToolCall, call.CreatedAt, userId, actor, call.RequestNumber is { } n ? SafeguardRequest.FormatId(n) : $"call:{call.CallId}", call.Status != ToolCallStatus.Failed,
                JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["conversation_id"] = call.ConversationId,
                    ["message_id"] = call.MessageId,
                    ["call_id"] = call.CallId,
                    ["server"] = call.Server,
                    ["tool"] = call.Tool,
                    ["level"] = call.Level.ToString(),
                    ["status"] = StatusName(call.Status),
                    ["arguments"] = SafeguardViews.ParseArguments(call.Arguments, maskSecrets: true),
                }),
                null));
        }

        return new ToolRound(results, pending, made);
    }

    /// <summary>What the stored answer says when approvals are pending (in French, for the technician).</summary>
    public static string PendingText(IReadOnlyList<SafeguardRequest> pending) => string.Join("\n\n", pending.Select(r => string.Create(CultureInfo.InvariantCulture,
        $"La demande d'approbation {r.RequestId} (niveau {r.Level}) est en attente pour « {r.Tool} » sur {r.Server} : un technicien accrédité N{(int)r.Level} ou plus, autre que vous, doit l'approuver avant {r.ExpiresAt:HH:mm} UTC. La suite de la réponse viendra dès sa décision.")));

    public static ChatToolCallDto ToDto(ToolCall call, SafeguardRequest? request = null) => new(
        call.CallId, GatewayNames.Of(call.Server, call.Tool), StatusName(call.Status), call.RequestNumber is { } n ? SafeguardRequest.FormatId(n) : request?.RequestId);

    public static string StatusName(ToolCallStatus status) => status switch
    {
        ToolCallStatus.PendingApproval => "pending_approval",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Reason(string reason)
    {
        var trimmed = reason.Trim();
        return trimmed.Length == 0 ? "Action proposée par l'assistant." : trimmed.Length <= SafeguardRequest.ReasonMaxLength ? trimmed : trimmed[..SafeguardRequest.ReasonMaxLength];
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    private static JsonElement Schema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
