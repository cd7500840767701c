using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;
using Wibot.Application.Common.Options;
using Wibot.Application.Conversations;
using Wibot.Application.Tools.Gateway;
using Wibot.Domain.Audit;
using Wibot.Domain.Common;
using Wibot.Domain.Conversations;
using Wibot.Domain.Safeguard;
using Wibot.Domain.Tools;

namespace Wibot.Application.Chat;

/// <summary>
/// Once a chat tool call's Safeguard request is settled (approved and run, denied at execution,
/// rejected, expired), the model is told the outcome and its answer is stored as a new assistant
/// message of the same conversation, charged to the chatting user like any turn. No HTTP request is
/// needed: the runner calls this in the background, and the user sees it live or on reload.
/// </summary>
public sealed class ToolCallContinuation(IWibotDbContext db, IChatClient chat, ITokenLedger ledger, ISafeguardPublisher signals, IOptions<LlmOptions> llm, TimeProvider clock)
{
    public const string QuotaSpentText = "Le résultat de l'action est disponible, mais votre quota mensuel de jetons est épuisé : l'assistant ne peut pas le commenter. ";

    /// <summary>Continues every chat call of <paramref name="request"/> that is settled and not continued yet; returns how many it wrote.</summary>
    public async Task<int> ContinueAsync(SafeguardRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = clock.GetUtcNow();
        var outcome = Outcome(request, now);
        if (outcome is null)
        {
            return 0;
        }

        var calls = await db.ToolCalls.Where(c => c.RequestNumber == request.Id && c.ContinuedAt == null).ToListAsync(ct);
        var written = 0;
        foreach (var call in calls)
        {
            if (call.Status == ToolCallStatus.PendingApproval)
            {
                call.Settle(outcome.Value.Status, outcome.Value.Told, now);
            }

            call.StartContinuation(now);
            try
            {
                await db.SaveChangesAsync(ct); // the claim: one instance continues
            }
            catch (DbUpdateConcurrencyException)
            {
                continue;
            }

            var message = await AnswerAsync(call, outcome.Value.Told, ct);
            if (message is not null)
            {
                db.AuditEntries.Add(AuditEntry.Record(AuditActions.ChatContinued, clock.GetUtcNow(), call.UserId, null, request.RequestId, true,
                    JsonSerializer.Serialize(new Dictionary<string, object?>
                    {
                        ["conversation_id"] = call.ConversationId,
                        ["message_id"] = message,
                        ["call_id"] = call.CallId,
                        ["outcome"] = ChatTools.StatusName(call.Status),
                    }),
                    null));
                await db.SaveChangesAsync(CancellationToken.None);

                // Wakes the conversation's live stream on every instance.
                await signals.PublishAsync(new SafeguardSignal("continued", request.RequestId, Safeguard.SafeguardViews.StatusName(request.Status)), CancellationToken.None);
            }

            written++;
        }

        return written;
    }

    /// <summary>What the request's outcome means for the call, and what the model is told; null while it is not settled.</summary>
    private static (ToolCallStatus Status, string Told)? Outcome(SafeguardRequest request, DateTimeOffset now) => request.StatusAt(now) switch
    {
        SafeguardStatus.Rejected => (ToolCallStatus.Rejected, $"Refusé par {request.DecidedBy}{(string.IsNullOrWhiteSpace(request.Comment) ? "" : $" : {request.Comment}")}. L'action n'a pas été exécutée."),
        SafeguardStatus.Expired => (ToolCallStatus.Expired, "La demande a expiré sans décision. L'action n'a pas été exécutée."),
        SafeguardStatus.Approved => request.ExecutionStatus switch
        {
            ExecutionStatus.Succeeded => (ToolCallStatus.Succeeded, $"Approuvé par {request.DecidedBy} et exécuté. Résultat : {request.ExecutionResult}"),
            ExecutionStatus.Failed => (ToolCallStatus.Failed, $"Approuvé par {request.DecidedBy}, mais l'exécution a échoué : {request.ExecutionResult}"),
            ExecutionStatus.Denied => (ToolCallStatus.Denied, $"Approuvé par {request.DecidedBy}, mais non exécuté : {request.ExecutionResult}"),
            _ => null,
        },
        _ => null,
    };

    /// <summary>Stores the model's continuation; returns its message id (null when the conversation is gone).</summary>
    private async Task<Guid?> AnswerAsync(ToolCall call, string told, CancellationToken ct)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == call.ConversationId, ct);
        if (conversation is null)
        {
            return null; // deleted meanwhile
        }

        var mode = await db.Messages.AsNoTracking().Where(m => m.Id == call.MessageId).Select(m => (ChatMode?)m.Mode).FirstOrDefaultAsync(ct) ?? ChatMode.Flash;
        var settings = llm.Value.For(mode.ToWire());
        var history = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversation.Id)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Take(Math.Max(1, settings.HistoryMessages))
            .Select(m => new PastMessage(m.Role, m.Content, m.AttachmentCount))
            .ToListAsync(ct);
        history.Reverse();
        var prompt = ChatPrompts.Build(mode, [], history, "(suite de l'action demandée)", []).Messages.Take(history.Count + 1).ToList();
        using (var arguments = JsonDocument.Parse(call.Arguments))
        {
            var input = arguments.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
            prompt.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(call.CallId, GatewayNames.Of(call.Server, call.Tool), input)]));
        }

        prompt.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, told)]));
        var estimated = (prompt.Sum(m => (long)m.Text.Length) + told.Length) / 3 + 16;
        var now = clock.GetUtcNow();
        TokenReservation reservation;
        try
        {
            reservation = await ledger.ReserveAsync(call.UserId, now, estimated, (estimated * 3 / 2) + settings.MaxTokens, ct);
        }
        catch (DomainRuleViolationException quota) when (quota.Kind == RuleKind.QuotaExceeded)
        {
            return await StoreAsync(conversation, QuotaSpentText + told, mode, 0, now, ct);
        }

        string text;
        long tokens;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, llm.Value.TimeoutSeconds)));
            var response = await chat.GetResponseAsync(prompt, new ChatOptions { ModelId = settings.Model, MaxOutputTokens = settings.MaxTokens }, timeout.Token);
            text = response.Text.Length > 0 ? response.Text : told;
            tokens = (response.Usage?.InputTokenCount ?? estimated) + (response.Usage?.OutputTokenCount ?? ChatTurnService.EstimateTokens(text));
        }
        catch (Exception ex) when (ex is LanguageModelException or OperationCanceledException or HttpRequestException)
        {
            // The model is unavailable: the outcome is still stored, uncommented, and nothing is charged.
            await ledger.ReleaseAsync(reservation, CancellationToken.None);
            return await StoreAsync(conversation, told, mode, 0, clock.GetUtcNow(), CancellationToken.None);
        }

        await using var transaction = await db.BeginTransactionAsync(CancellationToken.None);
        var id = await StoreAsync(conversation, text, mode, (int)Math.Min(tokens, int.MaxValue), clock.GetUtcNow(), CancellationToken.None);
        await ledger.SettleAsync(reservation, tokens, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return id;
    }

    private async Task<Guid> StoreAsync(Conversation conversation, string text, ChatMode mode, int tokens, DateTimeOffset now, CancellationToken ct)
    {
        var message = conversation.Answer(text, mode, tokens, 0, now);
        db.Messages.Add(message);
        await db.SaveConversationAsync(c => c.RecordMessage(now), ct);
        return message.Id;
    }
}
