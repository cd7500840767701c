namespace Wibot.Domain.Conversations;

/// <summary>A chat thread owned by one user.</summary>
public sealed class Conversation
{
    public const int TitleMaxLength = 200;
    public const string DefaultTitle = "Nouvelle conversation";

    private Conversation()
    {
        Title = string.Empty;
    }

    public Guid Id { get; private set; }

    public int UserId { get; private set; }

    public string Title { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Messages in the conversation, both roles (kept with each message so lists need no count).</summary>
    public int MessageCount { get; private set; }

    public static Conversation Start(int ownerId, string? title, DateTimeOffset now, Guid? id = null)
    {
        if (id == Guid.Empty)
        {
            throw new ArgumentException("A conversation id cannot be empty.", nameof(id));
        }

        return new Conversation
        {
            Id = id ?? Guid.CreateVersion7(now),
            UserId = ownerId,
            Title = NormalizeTitle(title),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Derives a title from the first message: its first line, cut at a word boundary.</summary>
    public static string TitleFromMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var line = message.Trim().Split('\n', 2)[0].Trim();
        line = string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        const int max = 60;
        if (line.Length <= max)
        {
            return line.Length == 0 ? DefaultTitle : line;
        }

        var cut = line.LastIndexOf(' ', max);
        return string.Concat(line.AsSpan(0, cut > 20 ? cut : max), "…");
    }

    public void Rename(string title, DateTimeOffset now)
    {
        Title = NormalizeTitle(title);
        UpdatedAt = now;
    }

    /// <summary>Appends the user's question (with the names and type of its attached files, if any).</summary>
    public Message Ask(string content, ChatMode mode, DateTimeOffset now, string? attachmentName = null, string? attachmentType = null, int attachmentCount = 0)
    {
        var message = Message.FromUser(Id, content, mode, now, attachmentName, attachmentType, attachmentCount);
        RecordMessage(now);
        return message;
    }

    /// <summary>Appends the model's answer, with what it cost and how many documents grounded it.</summary>
    public Message Answer(string content, ChatMode mode, int tokensUsed, int sourceCount, DateTimeOffset now, Guid? id = null)
    {
        var message = Message.FromAssistant(Id, content, mode, tokensUsed, sourceCount, now, id);
        RecordMessage(now);
        return message;
    }

    /// <summary>
    /// Counts a message appended at <paramref name="now"/>: one more in the count, and the
    /// conversation's last activity. <see cref="Ask"/> and <see cref="Answer"/> call it; a store
    /// calls it again for a message already appended when it had to reload the conversation because
    /// another turn saved it in between (optimistic concurrency), so that no count is lost.
    /// </summary>
    public void RecordMessage(DateTimeOffset now)
    {
        MessageCount++;
        Touch(now);
    }

    private void Touch(DateTimeOffset now)
    {
        if (now > UpdatedAt)
        {
            UpdatedAt = now;
        }
    }

    private static string NormalizeTitle(string? title)
    {
        var trimmed = title?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return DefaultTitle;
        }

        return trimmed.Length > TitleMaxLength ? trimmed[..TitleMaxLength] : trimmed;
    }
}
