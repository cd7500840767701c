using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Users;

namespace Wibot.Application.Auth.GetCurrentUser;

public sealed record GetCurrentUserQuery(int UserId) : IQuery<CurrentUserResponse>;

public sealed record CurrentUserResponse(int Id, string Username, string? Email, string Role, string AccreditationLevel, DateTimeOffset CreatedAt);

public sealed class GetCurrentUserHandler(IWibotDbContext db) : IQueryHandler<GetCurrentUserQuery, CurrentUserResponse>
{
    public async ValueTask<CurrentUserResponse> Handle(GetCurrentUserQuery query, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking()
            .Where(u => u.Id == query.UserId)
            .Select(u => new CurrentUserResponse(
                u.Id,
                u.Username,
                u.Email,
                u.Role == UserRole.Admin ? "admin" : "user",
                u.AccreditationLevel.ToString(),
                u.CreatedAt))
            .FirstOrDefaultAsync(cancellationToken)
        ?? throw new NotFoundException("User");
}
