using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Wibot.Api.Infrastructure;
using Wibot.Application.Admin;
using Wibot.Application.Admin.CreateUser;
using Wibot.Application.Admin.DeleteUser;
using Wibot.Application.Admin.GetUsers;
using Wibot.Application.Admin.UpdateUser;
using Wibot.Application.Analytics.GetAnalytics;
using Wibot.Application.Analytics.GetLegacyStats;
using Wibot.Application.Quotas.AdjustQuota;

namespace Wibot.Api.Controllers;

[ApiController]
[Authorize(Policy = Policies.Admin)]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
public sealed class AdminController(ISender sender) : ControllerBase
{
    /// <summary>Every account with this month's token use.</summary>
    [HttpGet("/webhook/wibot/admin/users")]
    [ProducesResponseType<AdminUsersResponse>(StatusCodes.Status200OK)]
    public async Task<AdminUsersResponse> List(CancellationToken ct) => await sender.Send(new GetUsersQuery(), ct);

    /// <summary>Creates an account. <c>email: ""</c> means none; <c>quota_tokens: null</c> means the default.</summary>
    [HttpPost("/webhook/wibot/admin/users")]
    [ProducesResponseType<AdminUserDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> Create([FromBody] CreateUserBody body, CancellationToken ct)
    {
        var created = await sender.Send(new CreateUserCommand(
            User.Id(), body.Username ?? string.Empty, body.Password ?? string.Empty, body.Email,
            body.Role ?? "user", body.AccreditationLevel ?? "N0", body.QuotaTokens, ClientAddress.Of(HttpContext)), ct);
        return StatusCode(StatusCodes.Status201Created, created);
    }

    /// <summary>Changes an account: role, activation, accreditation, quota, password, email.</summary>
    [HttpPut("/webhook/wibot/admin/users")]
    [ProducesResponseType<AdminUserDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<AdminUserDto> Update([FromBody] UpdateUserBody body, CancellationToken ct) =>
        await sender.Send(new UpdateUserCommand(
            User.Id(), body.UserId ?? 0, body.Role, body.IsActive, body.AccreditationLevel, body.QuotaTokens, body.AddTokens,
            body.Password, body.Email, ClientAddress.Of(HttpContext)), ct);

    /// <summary>Deletes an account with its conversations; <c>user_id</c> in the JSON body or the query.</summary>
    [HttpDelete("/webhook/wibot/admin/users")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Delete([FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] DeleteUserBody? body, [FromQuery(Name = "user_id")] int? userId, CancellationToken ct)
    {
        await sender.Send(new DeleteUserCommand(User.Id(), body?.UserId ?? userId ?? 0, ClientAddress.Of(HttpContext)), ct);
        return NoContent();
    }

    /// <summary>AdjustQuota: sets this month's quota and/or adds tokens to it.</summary>
    [HttpPost("/webhook/wibot/admin/users/{userId:int}/quota")]
    [ProducesResponseType<AdminUserDto>(StatusCodes.Status200OK)]
    public async Task<AdminUserDto> AdjustQuota(int userId, [FromBody] AdjustQuotaBody body, CancellationToken ct) =>
        await sender.Send(new AdjustQuotaCommand(User.Id(), userId, body.QuotaTokens, body.AddTokens, ClientAddress.Of(HttpContext)), ct);

    /// <summary>
    /// Usage analytics for <c>from</c>..<c>to</c> (whole days, inclusive, configured time zone; default this month).
    /// With <c>period=24h|7d|30d</c> (n8n-era client) the answer is <c>{success, period, stats}</c> instead.
    /// <c>active_users</c> counts the users who sent or received a message in the period.
    /// </summary>
    [HttpGet("/webhook/wibot/analytics")]
    [ProducesResponseType<AnalyticsResponse>(StatusCodes.Status200OK)]
    public async Task<object> Analytics([FromQuery] string? from, [FromQuery] string? to, [FromQuery] string? period, CancellationToken ct)
    {
        if (period is not null)
        {
            return await sender.Send(new GetLegacyStatsQuery(period), ct);
        }

        return await sender.Send(new GetAnalyticsQuery(RequestValues.Date(from, "from"), RequestValues.Date(to, "to")), ct);
    }
}

public sealed record CreateUserBody(string? Username, string? Password, string? Email, string? Role, string? AccreditationLevel, long? QuotaTokens);

public sealed record UpdateUserBody(int? UserId, string? Role, bool? IsActive, string? AccreditationLevel, long? QuotaTokens, long? AddTokens, string? Password, string? Email);

public sealed record DeleteUserBody(int? UserId);

public sealed record AdjustQuotaBody(long? QuotaTokens, long? AddTokens);
