using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Admin;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Audit;

namespace Wibot.Application.Quotas.AdjustQuota;

/// <summary>Sets this month's quota and/or adds tokens to it; later months inherit the result.</summary>
public sealed record AdjustQuotaCommand(int ActorId, int UserId, long? QuotaTokens, long? AddTokens, string? ClientAddress) : ICommand<AdminUserDto>;

public sealed class AdjustQuotaValidator : AbstractValidator<AdjustQuotaCommand>
{
    public AdjustQuotaValidator()
    {
        RuleFor(x => x.UserId).GreaterThan(0);
        RuleFor(x => x).Must(x => x.QuotaTokens is not null || x.AddTokens is not null).WithName("quota_tokens").WithMessage("Give quota_tokens or add_tokens.");
        RuleFor(x => x.QuotaTokens).InclusiveBetween(0, UserFieldRules.MaxQuota).When(x => x.QuotaTokens is not null);
        RuleFor(x => x.AddTokens).InclusiveBetween(1, UserFieldRules.MaxQuota).When(x => x.AddTokens is not null);
    }
}

public sealed class AdjustQuotaHandler(IWibotDbContext db, ITokenLedger ledger, TimeProvider clock) : ICommandHandler<AdjustQuotaCommand, AdminUserDto>
{
    public async ValueTask<AdminUserDto> Handle(AdjustQuotaCommand command, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == command.UserId, cancellationToken)
            ?? throw new NotFoundException("User");
        var actor = await db.Users.AsNoTracking().Where(u => u.Id == command.ActorId).Select(u => u.Username).FirstOrDefaultAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var usage = await ledger.CurrentAsync(user.Id, now, cancellationToken);
        var before = usage.QuotaTokens;
        usage.Adjust(command.QuotaTokens, command.AddTokens);

        db.AuditEntries.Add(AuditEntry.Record(AuditActions.QuotaAdjusted, now, command.ActorId, actor, user.Username, true,
            AuditSnapshot.Diff(new { quota_tokens = before }, new { quota_tokens = usage.QuotaTokens }), command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        return AdminUserDto.From(user, usage);
    }
}
