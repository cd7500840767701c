namespace Wibot.Api.Tests.Infrastructure;

/// <summary>The host's clock: real time, unless a test sets <see cref="Now"/> (used through ISender, not HTTP, since tokens follow real time).</summary>
public sealed class TestClock : TimeProvider
{
    public DateTimeOffset? Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now ?? base.GetUtcNow();
}
