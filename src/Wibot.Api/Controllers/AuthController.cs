using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wibot.Api.Infrastructure;
using Wibot.Application.Auth.ChangePassword;
using Wibot.Application.Auth.GetCurrentUser;
using Wibot.Application.Auth.Login;

namespace Wibot.Api.Controllers;

[ApiController]
public sealed class AuthController(ISender sender) : ControllerBase
{
    /// <summary>Exchanges a username and password for a 24 h bearer token.</summary>
    [AllowAnonymous]
    [HttpPost("/webhook/auth/login")]
    [ProducesResponseType<LoginResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    public async Task<LoginResponse> Login([FromBody] LoginBody body, CancellationToken ct) =>
        await sender.Send(new LoginCommand(body.Username ?? string.Empty, body.Password ?? string.Empty, ClientAddress.Of(HttpContext)), ct);

    /// <summary>The caller's account.</summary>
    [HttpGet("/webhook/auth/me")]
    [ProducesResponseType<CurrentUserResponse>(StatusCodes.Status200OK)]
    public async Task<CurrentUserResponse> Me(CancellationToken ct) =>
        await sender.Send(new GetCurrentUserQuery(User.Id()), ct);

    /// <summary>Changes the caller's password; every earlier token is revoked and a new one is returned.</summary>
    [HttpPost("/webhook/auth/change-password")]
    [ProducesResponseType<LoginResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public async Task<LoginResponse> ChangePassword([FromBody] ChangePasswordBody body, CancellationToken ct) =>
        await sender.Send(new ChangePasswordCommand(User.Id(), body.CurrentPassword ?? string.Empty, body.NewPassword ?? string.Empty, ClientAddress.Of(HttpContext)), ct);
}

public sealed record LoginBody(string? Username, string? Password);

public sealed record ChangePasswordBody(string? CurrentPassword, string? NewPassword);
