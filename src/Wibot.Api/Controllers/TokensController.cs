using Mediator;
using Microsoft.AspNetCore.Mvc;
using Wibot.Api.Infrastructure;
using Wibot.Application.Tokens.GetTokenBalance;

namespace Wibot.Api.Controllers;

[ApiController]
public sealed class TokensController(ISender sender) : ControllerBase
{
    /// <summary>The caller's token balance for the current month (opens the month by the rollover rule).</summary>
    [HttpGet("/webhook/wibot/user/tokens")]
    [ProducesResponseType<TokenBalanceResponse>(StatusCodes.Status200OK)]
    public async Task<TokenBalanceResponse> Get(CancellationToken ct) =>
        await sender.Send(new GetTokenBalanceQuery(User.Id()), ct);
}
