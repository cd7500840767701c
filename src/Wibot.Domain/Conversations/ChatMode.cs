namespace Wibot.Domain.Conversations;

/// <summary>The three chat modes of the guide.</summary>
public enum ChatMode
{
    Flash = 0,
    Code = 1,
    Redaction = 2,
}
