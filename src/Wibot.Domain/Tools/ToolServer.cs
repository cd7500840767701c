using System.Text.RegularExpressions;

namespace Wibot.Domain.Tools;

/// <summary>How much approval a tool's call needs: L0 runs at once; L1–L4 are Safeguard levels.</summary>
public enum ToolLevel
{
    L0 = 0,
    L1 = 1,
    L2 = 2,
    L3 = 3,
    L4 = 4,
}

/// <summary>Whether WIBOT could list a server's tools the last time it tried.</summary>
public enum ToolServerStatus
{
    Ok,
    Unreachable,
}

/// <summary>A tool as the server describes it when listed (its annotations are hints, never trusted).</summary>
public sealed record ListedTool(string Name, string? Title, string? Description, string InputSchemaJson, string? AnnotationsJson);

/// <summary>
/// An MCP tool server an admin registered. WIBOT keeps each tool's level and enabled flag itself:
/// the server only says which tools exist; a tool nobody has classified yet is L4.
/// </summary>
public sealed partial class ToolServer
{
    public const int NameMaxLength = 64;
    public const int UrlMaxLength = 2000;
    public const int ErrorMaxLength = 500;
    public const int MaxHeaders = 20;

    private readonly List<ServerTool> _tools = [];

    private ToolServer()
    {
        Name = string.Empty;
        Url = string.Empty;
        HeaderNames = [];
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; }

    public string Url { get; private set; }

    public bool Enabled { get; private set; }

    public ToolServerStatus Status { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The request headers sent to the server (secrets), as the protector encrypted them; null when none.</summary>
    public string? ProtectedHeaders { get; private set; }

    /// <summary>The names of those headers, which may be shown.</summary>
    public string[] HeaderNames { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public IReadOnlyList<ServerTool> Tools => _tools;

    /// <summary>Letters, digits, '-' and '_' (the name prefixes the server's tools on the gateway and in the chat: <c>server__tool</c>).</summary>
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= NameMaxLength } && NamePattern().IsMatch(name);

    /// <summary>An absolute http or https URL; loopback and private addresses are fine (tool servers sit on the LAN).</summary>
    public static bool IsValidUrl(string? url) =>
        url is { Length: > 0 and <= UrlMaxLength } && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public static ToolServer Register(string name, string url, string? protectedHeaders, IReadOnlyCollection<string> headerNames, DateTimeOffset now)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException("Invalid tool server name.", nameof(name));
        }

        if (!IsValidUrl(url))
        {
            throw new ArgumentException("Invalid tool server URL.", nameof(url));
        }

        ArgumentNullException.ThrowIfNull(headerNames);
        return new ToolServer
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Url = url,
            Enabled = true,
            Status = ToolServerStatus.Unreachable,
            Error = "Not listed yet.",
            ProtectedHeaders = protectedHeaders,
            HeaderNames = [.. headerNames],
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public void ChangeUrl(string url, DateTimeOffset now)
    {
        if (!IsValidUrl(url))
        {
            throw new ArgumentException("Invalid tool server URL.", nameof(url));
        }

        Url = url;
        UpdatedAt = now;
    }

    public void ReplaceHeaders(string? protectedHeaders, IReadOnlyCollection<string> headerNames, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headerNames);
        ProtectedHeaders = protectedHeaders;
        HeaderNames = [.. headerNames];
        UpdatedAt = now;
    }

    public void SetEnabled(bool enabled, DateTimeOffset now)
    {
        Enabled = enabled;
        UpdatedAt = now;
    }

    /// <summary>
    /// The server listed its tools: known tools keep their level and enabled flag (their description
    /// and schema follow the server), new ones come in at L4, enabled; tools the server no longer has go.
    /// </summary>
    public void ApplyListing(IReadOnlyList<ListedTool> listed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(listed);
        var byName = listed.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _tools.RemoveAll(t => !byName.ContainsKey(t.Name));
        foreach (var tool in byName.Values)
        {
            var known = _tools.Find(t => t.Name == tool.Name);
            if (known is null)
            {
                _tools.Add(ServerTool.New(Id, tool));
            }
            else
            {
                known.Describe(tool);
            }
        }

        Status = ToolServerStatus.Ok;
        Error = null;
        UpdatedAt = now;
    }

    /// <summary>The server could not be listed: its tools stay as they were, and the reason is shown.</summary>
    public void MarkUnreachable(string error, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        Status = ToolServerStatus.Unreachable;
        Error = error.Length <= ErrorMaxLength ? error : error[..ErrorMaxLength];
        UpdatedAt = now;
    }

    /// <summary>The tool of that name, or null.</summary>
    public ServerTool? Tool(string name) => _tools.Find(t => t.Name == name);

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamePattern();
}

/// <summary>One tool of a server, with the level and enabled flag WIBOT's admins gave it.</summary>
public sealed class ServerTool
{
    public const int NameMaxLength = 128;

    private ServerTool()
    {
        Name = string.Empty;
        InputSchema = "{}";
    }

    public Guid ServerId { get; private set; }

    public string Name { get; private set; }

    public string? Title { get; private set; }

    public string? Description { get; private set; }

    public ToolLevel Level { get; private set; }

    public bool Enabled { get; private set; }

    /// <summary>The JSON schema of the tool's arguments, as the server declared it.</summary>
    public string InputSchema { get; private set; }

    /// <summary>The server's annotations (readOnlyHint, destructiveHint…), untrusted hints for the admin.</summary>
    public string? Annotations { get; private set; }

    internal static ServerTool New(Guid serverId, ListedTool listed)
    {
        var tool = new ServerTool { ServerId = serverId, Name = listed.Name, Level = ToolLevel.L4, Enabled = true };
        tool.Describe(listed);
        return tool;
    }

    internal void Describe(ListedTool listed)
    {
        Title = listed.Title;
        Description = listed.Description;
        InputSchema = listed.InputSchemaJson;
        Annotations = listed.AnnotationsJson;
    }

    public void Classify(ToolLevel? level, bool? enabled)
    {
        if (level is { } l)
        {
            if (!Enum.IsDefined(l))
            {
                throw new ArgumentOutOfRangeException(nameof(level));
            }

            Level = l;
        }

        if (enabled is { } e)
        {
            Enabled = e;
        }
    }
}
