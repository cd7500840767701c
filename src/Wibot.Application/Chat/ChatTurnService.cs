using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;
using Wibot.Application.Common.Options;
using Wibot.Domain.Conversations;

namespace Wibot.Application.Chat;

/// <summary>A chat turn admitted and stored, ready for the model.</summary>
public sealed class ChatTurn
{
    internal ChatTurn(Conversation conversation, ChatMode mode, ModeOptions settings, IReadOnlyList<ChatMessage> prompt, IReadOnlyList<RetrievedPassage> passages, TokenReservation reservation, long estimatedInputTokens)
    {
        Conversation = conversation;
        Mode = mode;
        Settings = settings;
        Prompt = prompt;
        Passages = passages;
        Reservation = reservation;
        EstimatedInputTokens = estimatedInputTokens;
    }

    public Guid ConversationId => Conversation.Id;

    /// <summary>The id the answer will be stored under (announced first when streaming).</summary>
    public Guid AnswerId { get; } = Guid.CreateVersion7();

    public ChatMode Mode { get; }

    public ModeOptions Settings { get; }

    public IReadOnlyList<ChatMessage> Prompt { get; }

    public IReadOnlyList<RetrievedPassage> Passages { get; }

    public IReadOnlyList<ChatSource> Sources => Passages
        .GroupBy(p => p.Document)
        .Select(g => g.OrderByDescending(p => p.Score).First())
        .Select(p => new ChatSource(p.Document, p.Title, p.Path, Math.Round(p.Score, 4)))
        .ToList();

    public ChatOptions Options => new() { ModelId = Settings.Model, MaxOutputTokens = Settings.MaxTokens };

    internal Conversation Conversation { get; }

    internal TokenReservation Reservation { get; }

    internal long EstimatedInputTokens { get; }
}

public sealed record ChatSource(string Document, string Title, string Path, double Score);

public sealed record ChatCompletion(Guid MessageId, long TokensUsed, long TokensRemaining);

/// <summary>
/// The steps of the guide's chat_main flow around the model call: admission (quota), conversation,
/// user message, history, grounding; then the answer, its cost, and the month's usage.
/// </summary>
public sealed class ChatTurnService(
    IWibotDbContext db,
    ITokenLedger ledger,
    IDocumentRetriever retriever,
    IAttachmentReader attachments,
    IOptions<LlmOptions> llm,
    TimeProvider clock)
{
    public async Task<ChatTurn> PrepareAsync(IChatTurnCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (userId, message, mode, conversationId, files) = (command.UserId, command.Message, command.Mode, command.ConversationId, command.Attachments);
        var settings = llm.Value.For(mode.ToWire());

        // A refused file stops everything before anything is stored or reserved.
        var texts = files.Select(attachments.Read).ToList();

        Conversation? conversation = null;
        if (conversationId is { } id)
        {
            conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, ct);
            if (conversation is not null && conversation.UserId != userId)
            {
                throw new NotFoundException("Conversation");
            }
        }

        // The history, newest first, with one message more than the prompt takes: the newest tells
        // whether this is a retry (the same question, stored, left unanswered by a failed model call).
        var keep = Math.Max(0, settings.HistoryMessages - 1);
        var history = conversation is null
            ? []
            : await db.Messages.AsNoTracking()
                .Where(m => m.ConversationId == conversation.Id)
                .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
                .Take(keep + 1)
                .Select(m => new { m.Role, m.Content, m.AttachmentCount })
                .ToListAsync(ct);
        var retry = texts.Count == 0 && history.Count > 0 && history[0].Role == MessageRole.User
            && history[0].AttachmentCount == 0 && string.Equals(history[0].Content, message, StringComparison.Ordinal);
        if (retry)
        {
            history.RemoveAt(0); // it is the question itself, not history
        }

        if (history.Count > keep)
        {
            history.RemoveRange(keep, history.Count - keep);
        }

        history.Reverse();

        var passages = settings.Passages > 0 ? await retriever.SearchAsync(message, settings.Passages, ct) : [];
        var system = ChatPrompts.WithPassages(ChatPrompts.For(mode), passages);
        var userContent = ChatPrompts.WithAttachments(message, texts);
        var prompt = new List<ChatMessage>(history.Count + 2) { new(ChatRole.System, system) };
        prompt.AddRange(history.Select(h => new ChatMessage(h.Role == MessageRole.Assistant ? ChatRole.Assistant : ChatRole.User, h.Content)));
        prompt.Add(new ChatMessage(ChatRole.User, userContent));

        // A generous estimate of the input (about 3 characters a token) must fit what remains; while the
        // turn runs it holds that input and its answer's budget, so that concurrent sends see it.
        var estimatedInput = ((system.Length + userContent.Length + history.Sum(h => (long)h.Content.Length)) / 3) + 16;
        var now = clock.GetUtcNow();
        var reservation = await ledger.ReserveAsync(userId, now, estimatedInput, (estimatedInput * 3 / 2) + settings.MaxTokens, ct);
        var startedHere = false;
        try
        {
            if (conversation is null)
            {
                conversation = Conversation.Start(userId, Conversation.TitleFromMessage(message), now, conversationId);
                db.Conversations.Add(conversation);
                startedHere = true;
            }

            // A retry answers the question already stored: it is not stored twice.
            if (!retry)
            {
                var names = texts.Count == 0 ? null : string.Join(", ", texts.Select(t => t.FileName));
                var type = texts.Count switch { 0 => null, 1 => texts[0].MediaType, _ => "multiple" };
                db.Messages.Add(Message.FromUser(conversation.Id, message, mode, now, names, type, texts.Count));
                if (startedHere)
                {
                    // Inserted with its first message counted: nobody else can see it yet.
                    conversation.RecordMessage(now);
                    await db.SaveChangesAsync(ct);
                }
                else
                {
                    await using var transaction = await db.BeginTransactionAsync(ct);
                    await db.SaveChangesAsync(ct);
                    await CountMessageAsync(conversation.Id, now, ct);
                    await transaction.CommitAsync(ct);
                }
            }
        }
        catch (ConflictException) when (conversationId is not null)
        {
            // The id was taken at the same moment by someone else's new conversation.
            await ledger.ReleaseAsync(reservation, CancellationToken.None);
            throw new NotFoundException("Conversation");
        }
        catch
        {
            await ledger.ReleaseAsync(reservation, CancellationToken.None);
            throw;
        }

        return new ChatTurn(conversation, mode, settings, prompt, passages, reservation, estimatedInput);
    }

    /// <summary>Stores the answer and charges input + output tokens, in one transaction.</summary>
    public async Task<ChatCompletion> CompleteAsync(ChatTurn turn, string text, long? inputTokens, long? outputTokens, CancellationToken ct)
    {
        var tokens = (inputTokens ?? turn.EstimatedInputTokens) + (outputTokens ?? EstimateTokens(text));
        var now = clock.GetUtcNow();
        var answer = Message.FromAssistant(turn.ConversationId, text, turn.Mode, (int)Math.Min(tokens, int.MaxValue), turn.Sources.Count, now, turn.AnswerId);
        db.Messages.Add(answer);
        await using var transaction = await db.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await CountMessageAsync(turn.ConversationId, now, ct);
        var remaining = await ledger.SettleAsync(turn.Reservation, tokens, ct);
        await transaction.CommitAsync(ct);
        return new ChatCompletion(answer.Id, tokens, remaining);
    }

    /// <summary>The model failed: nothing is charged; the user's message stays stored.</summary>
    public Task AbandonAsync(ChatTurn turn) => ledger.ReleaseAsync(turn.Reservation, CancellationToken.None);

    /// <summary>
    /// One more message in the conversation's count, and its last activity, in SQL: several turns of one
    /// conversation may run at once, and a count kept on an entity loaded earlier would lose updates.
    /// </summary>
    private Task<int> CountMessageAsync(Guid conversationId, DateTimeOffset now, CancellationToken ct) =>
        db.Conversations.Where(c => c.Id == conversationId).ExecuteUpdateAsync(
            set => set.SetProperty(c => c.MessageCount, c => c.MessageCount + 1).SetProperty(c => c.UpdatedAt, c => c.UpdatedAt > now ? c.UpdatedAt : now),
            ct);

    public static long EstimateTokens(string text) => string.IsNullOrEmpty(text) ? 0 : (text.Length / 4) + 1;
}
