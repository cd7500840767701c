namespace Wibot.Domain.Conversations;

/// <summary>One turn of a conversation, from the user or from the assistant.</summary>
public sealed class Message
{
    public const int AttachmentNameMaxLength = 255;
    public const int AttachmentTypeMaxLength = 100;

    private Message()
    {
        Content = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid ConversationId { get; private set; }

    public MessageRole Role { get; private set; }

    public string Content { get; private set; }

    public ChatMode Mode { get; private set; }

    public int TokensUsed { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public bool HasAttachment { get; private set; }

    public string? AttachmentName { get; private set; }

    public string? AttachmentType { get; private set; }

    /// <summary>How many files came with the message (the legacy client can send several).</summary>
    public int AttachmentCount { get; private set; }

    /// <summary>Number of indexed documents the answer was grounded in (assistant messages).</summary>
    public int SourceCount { get; private set; }

    internal static Message FromUser(
        Guid conversationId,
        string content,
        ChatMode mode,
        DateTimeOffset now,
        string? attachmentName = null,
        string? attachmentType = null,
        int attachmentCount = 0)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new Message
        {
            Id = Guid.CreateVersion7(now),
            ConversationId = conversationId,
            Role = MessageRole.User,
            Content = content,
            Mode = mode,
            CreatedAt = now,
            HasAttachment = attachmentName is not null,
            AttachmentName = Truncate(attachmentName, AttachmentNameMaxLength),
            AttachmentType = Truncate(attachmentType, AttachmentTypeMaxLength),
            AttachmentCount = attachmentName is null ? 0 : Math.Max(1, attachmentCount),
        };
    }

    internal static Message FromAssistant(Guid conversationId, string content, ChatMode mode, int tokensUsed, int sourceCount, DateTimeOffset now, Guid? id = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(tokensUsed);
        return new Message
        {
            Id = id ?? Guid.CreateVersion7(now),
            ConversationId = conversationId,
            Role = MessageRole.Assistant,
            Content = content,
            Mode = mode,
            TokensUsed = tokensUsed,
            SourceCount = sourceCount,
            CreatedAt = now,
        };
    }

    public void RecordTokens(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        TokensUsed = tokens;
    }

    private static string? Truncate(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..max];
}
