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

    /// <summary>Records a new message: one more in the count, and the conversation's last activity.</summary>
    public void RecordMessage(DateTimeOffset now)
    {
        MessageCount++;
        Touch(now);
    }

    public void Touch(DateTimeOffset now)
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
