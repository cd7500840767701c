namespace Wibot.Application.Conversations;

public sealed record ConversationDto(Guid ConversationId, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int MessageCount);

public sealed record MessageDto(
    Guid MessageId,
    string Role,
    string Content,
    string Mode,
    int TokensUsed,
    DateTimeOffset CreatedAt,
    bool HasAttachment,
    string? AttachmentName,
    string? AttachmentType,
    IReadOnlyList<Chat.ChatToolCallDto> ToolCalls);
