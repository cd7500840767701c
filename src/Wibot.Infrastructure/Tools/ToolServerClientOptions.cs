namespace Wibot.Infrastructure.Tools;

/// <summary>How WIBOT talks to the MCP tool servers (<c>Tools:*</c>).</summary>
public sealed class ToolServerClientOptions
{
    public const string Section = "Tools";

    /// <summary>
    /// The longest WIBOT waits for one tool call (<c>Tools:CallTimeoutSeconds</c>); past it the call is
    /// failed. Kept between 1 and 90 s, well below the 2 minutes after which a call still marked running
    /// is taken as interrupted.
    /// </summary>
    public int CallTimeoutSeconds { get; set; } = 30;

    internal TimeSpan CallTimeout => TimeSpan.FromSeconds(Math.Clamp(CallTimeoutSeconds, 1, 90));
}
