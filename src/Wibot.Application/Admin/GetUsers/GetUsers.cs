using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Domain.Tokens;
using Wibot.Domain.Users;

namespace Wibot.Application.Admin.GetUsers;

public sealed record GetUsersQuery : IQuery<AdminUsersResponse>;

public sealed record AdminUsersResponse(IReadOnlyList<AdminUserDto> Users);

public sealed class GetUsersHandler(IWibotDbContext db, QuotaCalendar calendar, TimeProvider clock, IOptions<QuotaOptions> options)
    : IQueryHandler<GetUsersQuery, AdminUsersResponse>
{
    public async ValueTask<AdminUsersResponse> Handle(GetUsersQuery query, CancellationToken cancellationToken)
    {
        var month = calendar.MonthOf(clock.GetUtcNow());
        var defaultQuota = options.Value.DefaultMonthlyTokens;

        // One query: each user with their latest usage row up to this month. A month not opened
        // yet shows what the rollover will give it: nothing used, the inherited quota.
        var rows = await db.Users.AsNoTracking()
            .OrderBy(u => u.Username)
            .Select(u => new
            {
                User = u,
                Latest = db.TokenUsage.Where(t => t.UserId == u.Id && t.Month <= month).OrderByDescending(t => t.Month)
                    .Select(t => new { t.Month, t.UsedTokens, t.QuotaTokens }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);

        var users = rows.Select(r => new AdminUserDto(
            r.User.Id,
            r.User.Id,
            r.User.Username,
            r.User.Email,
            r.User.Role == UserRole.Admin ? "admin" : "user",
            r.User.AccreditationLevel.ToString(),
            r.User.IsActive,
            r.User.CreatedAt,
            r.Latest != null && r.Latest.Month == month ? r.Latest.UsedTokens : 0,
            r.Latest?.QuotaTokens ?? defaultQuota)).ToList();
        return new AdminUsersResponse(users);
    }
}
