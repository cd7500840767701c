using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Domain.Safeguard;

namespace Wibot.Application.Safeguard.GetSafeguardRequest;

/// <summary>
/// One request. With <c>WaitSeconds</c> the answer is held until the request is decided or expires
/// (long poll). A technician (<c>ViewerUserId</c>) sees masked arguments and <c>can_decide</c>;
/// a tool server (<c>ViewerKey</c>) sees only the requests it raised (404 for the others), with the arguments as it sent them.
/// </summary>
public sealed record GetSafeguardRequestQuery(string RequestId, int WaitSeconds, int? ViewerUserId, ToolServerKey? ViewerKey = null) : IQuery<SafeguardRequestDto>;

/// <summary>The tool server's key making a request.</summary>
public sealed record ToolServerKey(Guid KeyId, string Name);

public sealed class GetSafeguardRequestHandler(IWibotDbContext db, ISafeguardSignals signals, TimeProvider clock, IOptions<SafeguardOptions> options)
    : IQueryHandler<GetSafeguardRequestQuery, SafeguardRequestDto>
{
    public async ValueTask<SafeguardRequestDto> Handle(GetSafeguardRequestQuery query, CancellationToken cancellationToken)
    {
        if (!SafeguardRequest.TryParseId(query.RequestId, out var id))
        {
            throw new NotFoundException("Safeguard request");
        }

        var viewer = query.ViewerUserId is { } uid ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == uid, cancellationToken) : null;
        var wait = TimeSpan.FromSeconds(Math.Clamp(query.WaitSeconds, 0, options.Value.MaxWaitSeconds));
        var deadline = DateTimeOffset.UtcNow + wait;
        using var waiter = signals.Watch(id);
        while (true)
        {
            var request = await db.SafeguardRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
            if (request is null || (query.ViewerKey is { } key && !request.WasRaisedByKey(key.KeyId, key.Name)))
            {
                throw new NotFoundException("Safeguard request");
            }

            var now = clock.GetUtcNow();
            var left = deadline - DateTimeOffset.UtcNow;
            var untilExpiry = request.ExpiresAt - now;
            if (request.StatusAt(now) != SafeguardStatus.Pending || left <= TimeSpan.Zero)
            {
                return SafeguardViews.ToDto(request, now, viewer, maskSecrets: viewer is not null);
            }

            var timeout = untilExpiry < left ? untilExpiry + TimeSpan.FromMilliseconds(20) : left;
            await waiter.WaitAsync(timeout, cancellationToken);
        }
    }
}
