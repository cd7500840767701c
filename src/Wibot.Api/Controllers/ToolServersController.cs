using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wibot.Api.Infrastructure;
using Wibot.Application.Tools;

namespace Wibot.Api.Controllers;

/// <summary>The MCP tool servers WIBOT is a client of, and the level and flag of each of their tools (admins only).</summary>
[ApiController]
[Authorize(Policy = Policies.Admin)]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
public sealed class ToolServersController(ISender sender) : ControllerBase
{
    /// <summary>Every registered server with its tools.</summary>
    [HttpGet("/webhook/wibot/admin/mcp-servers")]
    [ProducesResponseType<ToolServersResponse>(StatusCodes.Status200OK)]
    public async Task<ToolServersResponse> List(CancellationToken ct) => await sender.Send(new GetToolServersQuery(), ct);

    /// <summary>
    /// Registers a server and lists its tools at once (new tools are L4 until an admin classifies them).
    /// A server that cannot be reached is saved with <c>status: "unreachable"</c> and the reason in <c>error</c>.
    /// <c>headers</c> are secrets: kept encrypted, never returned (only their names).
    /// </summary>
    [HttpPost("/webhook/wibot/admin/mcp-servers")]
    [ProducesResponseType<ToolServerDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> Register([FromBody] RegisterToolServerBody body, CancellationToken ct)
    {
        var server = await sender.Send(new RegisterToolServerCommand(User.Id(), body.Name, body.Url, body.Headers, ClientAddress.Of(HttpContext)), ct);
        return StatusCode(StatusCodes.Status201Created, server);
    }

    /// <summary>Changes the URL, the headers (replaced as a whole; <c>{}</c> removes them) or the enabled flag; a new URL or new headers are listed again.</summary>
    [HttpPut("/webhook/wibot/admin/mcp-servers/{serverId:guid}")]
    [ProducesResponseType<ToolServerDto>(StatusCodes.Status200OK)]
    public async Task<ToolServerDto> Update(Guid serverId, [FromBody] UpdateToolServerBody body, CancellationToken ct) =>
        await sender.Send(new UpdateToolServerCommand(User.Id(), serverId, body.Url, body.Headers, body.Enabled, ClientAddress.Of(HttpContext)), ct);

    /// <summary>Lists the server's tools again; levels and flags already set are kept, new tools come in at L4.</summary>
    [HttpPost("/webhook/wibot/admin/mcp-servers/{serverId:guid}/refresh")]
    [ProducesResponseType<ToolServerDto>(StatusCodes.Status200OK)]
    public async Task<ToolServerDto> Refresh(Guid serverId, CancellationToken ct) =>
        await sender.Send(new RefreshToolServerCommand(User.Id(), serverId, ClientAddress.Of(HttpContext)), ct);

    /// <summary>Sets a tool's level (<c>L0</c> runs without approval, <c>L1</c>–<c>L4</c> need a Safeguard approval) and enabled flag.</summary>
    [HttpPut("/webhook/wibot/admin/mcp-servers/{serverId:guid}/tools/{tool}")]
    [ProducesResponseType<ToolDto>(StatusCodes.Status200OK)]
    public async Task<ToolDto> Classify(Guid serverId, string tool, [FromBody] ClassifyToolBody body, CancellationToken ct) =>
        await sender.Send(new ClassifyToolCommand(User.Id(), serverId, tool, body.Level, body.Enabled, ClientAddress.Of(HttpContext)), ct);

    /// <summary>Removes the server and its tools.</summary>
    [HttpDelete("/webhook/wibot/admin/mcp-servers/{serverId:guid}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<IActionResult> Delete(Guid serverId, CancellationToken ct)
    {
        await sender.Send(new DeleteToolServerCommand(User.Id(), serverId, ClientAddress.Of(HttpContext)), ct);
        return NoContent();
    }
}

public sealed record RegisterToolServerBody(string? Name, string? Url, Dictionary<string, string>? Headers);

public sealed record UpdateToolServerBody(string? Url, Dictionary<string, string>? Headers, bool? Enabled);

public sealed record ClassifyToolBody(string? Level, bool? Enabled);
