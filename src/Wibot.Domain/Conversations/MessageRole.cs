namespace Wibot.Domain.Conversations;

public enum MessageRole
{
    User = 0,
    Assistant = 1,
}
