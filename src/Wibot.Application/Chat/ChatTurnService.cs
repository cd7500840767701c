using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Mapping;
using Wibot.Application.Common.Options;
using Wibot.Application.Conversations;
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
        _prompt = [.. prompt];
        Options = new ChatOptions { ModelId = settings.Model, MaxOutputTokens = settings.MaxTokens };
        Passages = passages;
        Reservation = reservation;
        EstimatedInputTokens = estimatedInputTokens;
    }

    public Guid ConversationId => Conversation.Id;

    /// <summary>The id the answer will be stored under (announced first when streaming).</summary>
    public Guid AnswerId { get; } = Guid.CreateVersion7();

    public ChatMode Mode { get; }

    public ModeOptions Settings { get; }

    private readonly List<ChatMessage> _prompt;

    /// <summary>What the model is sent: the prompt, then each tool round's calls and results.</summary>
    public IReadOnlyList<ChatMessage> Prompt => _prompt;

    /// <summary>The model's options, the tools offered included.</summary>
    public ChatOptions Options { get; }

    /// <summary>A tool round: the model's messages (its calls) and the results given back.</summary>
    public void Append(IEnumerable<ChatMessage> messages) => _prompt.AddRange(messages);

    public IReadOnlyList<RetrievedPassage> Passages { get; }

    public IReadOnlyList<ChatSource> Sources => Passages
        .GroupBy(p => p.Document)
        .Select(g => g.OrderByDescending(p => p.Score).First())
        .Select(p => new ChatSource(p.Document, p.Title, p.Path, Math.Round(p.Score, 4)))
        .ToList();


    internal Conversation Conversation { get; }

    internal TokenReservation Reservation { get; }

    internal long EstimatedInputTokens { get; }
}

public sealed record ChatSource(string Document, string Title, string Path, double Score);

/// <summary>A message of the conversation as the prompt takes it.</summary>
public sealed record PastMessage(MessageRole Role, string Content, int AttachmentCount);

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
    /// <summary>Admits the turn (quota), stores the question and builds the grounded prompt.</summary>
    public async Task<ChatTurn> PrepareAsync(IChatTurnCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var settings = llm.Value.For(command.Mode.ToWire());

        // A refused file stops everything before anything is stored or reserved.
        var texts = command.Attachments.Select(attachments.Read).ToList();
        var conversation = await FindOwnConversationAsync(command, ct);
        var (history, retry) = await LoadHistoryAsync(conversation, command.Message, texts.Count, settings.HistoryMessages, ct);
        var passages = settings.Passages > 0 ? await retriever.SearchAsync(command.Message, settings.Passages, ct) : [];
        var prompt = ChatPrompts.Build(command.Mode, passages, history, command.Message, texts);

        // While the turn runs it holds its estimated input and its answer's budget, so that concurrent sends see it.
        var now = clock.GetUtcNow();
        var reservation = await ledger.ReserveAsync(command.UserId, now, prompt.EstimatedTokens, (prompt.EstimatedTokens * 3 / 2) + settings.MaxTokens, ct);
        try
        {
            conversation ??= StartConversation(command, now);

            // A retry answers the question already stored: it is not stored twice.
            if (!retry)
            {
                var names = texts.Count == 0 ? null : string.Join(", ", texts.Select(t => t.FileName));
                var type = texts.Count switch { 0 => null, 1 => texts[0].MediaType, _ => "multiple" };
                db.Messages.Add(conversation.Ask(command.Message, command.Mode, now, names, type, texts.Count));
                await db.SaveConversationAsync(c => c.RecordMessage(now), ct);
            }
        }
        catch (ConflictException) when (command.ConversationId is not null)
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

        return new ChatTurn(conversation, command.Mode, settings, prompt.Messages, passages, reservation, prompt.EstimatedTokens);
    }

    /// <summary>The caller's conversation of that id; null when the id is new (the n8n-era client makes its own ids) or absent.</summary>
    private async Task<Conversation?> FindOwnConversationAsync(IChatTurnCommand command, CancellationToken ct)
    {
        if (command.ConversationId is not { } id)
        {
            return null;
        }

        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, ct);
        return conversation is null || conversation.UserId == command.UserId ? conversation : throw new NotFoundException("Conversation");
    }

    private Conversation StartConversation(IChatTurnCommand command, DateTimeOffset now)
    {
        var conversation = Conversation.Start(command.UserId, Conversation.TitleFromMessage(command.Message), now, command.ConversationId);
        db.Conversations.Add(conversation);
        return conversation;
    }

    /// <summary>
    /// The last messages the prompt takes, oldest first, and whether this turn is a retry: the same
    /// question, stored, left unanswered by a failed model call (then it is not history but the question).
    /// </summary>
    private async Task<(IReadOnlyList<PastMessage> History, bool Retry)> LoadHistoryAsync(
        Conversation? conversation, string message, int attachmentCount, int historyMessages, CancellationToken ct)
    {
        if (conversation is null)
        {
            return ([], false);
        }

        // Newest first, with one message more than the prompt takes: the newest tells whether this is a retry.
        var keep = Math.Max(0, historyMessages - 1);
        var history = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversation.Id)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Take(keep + 1)
            .Select(m => new PastMessage(m.Role, m.Content, m.AttachmentCount))
            .ToListAsync(ct);
        var retry = attachmentCount == 0 && history.Count > 0 && history[0].Role == MessageRole.User
            && history[0].AttachmentCount == 0 && string.Equals(history[0].Content, message, StringComparison.Ordinal);
        if (retry)
        {
            history.RemoveAt(0);
        }

        if (history.Count > keep)
        {
            history.RemoveRange(keep, history.Count - keep);
        }

        history.Reverse();
        return (history, retry);
    }

    /// <summary>Stores the answer and charges input + output tokens, in one transaction.</summary>
    public async Task<ChatCompletion> CompleteAsync(ChatTurn turn, string text, long? inputTokens, long? outputTokens, CancellationToken ct)
    {
        var tokens = (inputTokens ?? turn.EstimatedInputTokens) + (outputTokens ?? EstimateTokens(text));
        var now = clock.GetUtcNow();
        var answer = turn.Conversation.Answer(text, turn.Mode, (int)Math.Min(tokens, int.MaxValue), turn.Sources.Count, now, turn.AnswerId);
        db.Messages.Add(answer);
        await using var transaction = await db.BeginTransactionAsync(ct);
        await db.SaveConversationAsync(c => c.RecordMessage(now), ct);
        var remaining = await ledger.SettleAsync(turn.Reservation, tokens, ct);
        await transaction.CommitAsync(ct);
        return new ChatCompletion(answer.Id, tokens, remaining);
    }

    /// <summary>The model failed: nothing is charged; the user's message stays stored.</summary>
    public Task AbandonAsync(ChatTurn turn) => ledger.ReleaseAsync(turn.Reservation, CancellationToken.None);

    public static long EstimateTokens(string text) => string.IsNullOrEmpty(text) ? 0 : (text.Length / 4) + 1;
}
