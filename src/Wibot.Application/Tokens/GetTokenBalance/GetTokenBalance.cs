using Mediator;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Tokens;

namespace Wibot.Application.Tokens.GetTokenBalance;

public sealed record GetTokenBalanceQuery(int UserId) : IQuery<TokenBalanceResponse>;

public sealed record TokenBalanceResponse(
    DateOnly Month,
    long UsedTokens,
    long QuotaTokens,
    long RemainingTokens,
    DateTimeOffset ResetsAt,
    long TokensRemaining);

public sealed class GetTokenBalanceHandler(ITokenLedger ledger, QuotaCalendar calendar, TimeProvider clock) : IQueryHandler<GetTokenBalanceQuery, TokenBalanceResponse>
{
    public async ValueTask<TokenBalanceResponse> Handle(GetTokenBalanceQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var usage = await ledger.CurrentReadOnlyAsync(query.UserId, now, cancellationToken);
        return new TokenBalanceResponse(usage.Month, usage.UsedTokens, usage.QuotaTokens, usage.RemainingTokens, calendar.ResetsAt(now), usage.RemainingTokens);
    }
}
