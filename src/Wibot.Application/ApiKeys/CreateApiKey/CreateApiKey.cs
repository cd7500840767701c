using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Audit;
using Wibot.Domain.Safeguard;

namespace Wibot.Application.ApiKeys.CreateApiKey;

public sealed record CreateApiKeyCommand(int ActorId, string Name, string? ClientAddress) : ICommand<CreatedApiKeyResponse>;

/// <summary>The new key, shown this once.</summary>
public sealed record CreatedApiKeyResponse(Guid KeyId, string Name, string Key, DateTimeOffset CreatedAt);

public sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKeyCommand>
{
    public CreateApiKeyValidator() =>
        RuleFor(x => x.Name).NotEmpty().MaximumLength(ApiKey.NameMaxLength).Matches(ApiKeySecrets.NamePattern)
            .WithMessage("name: letters, digits, spaces and _ . - only.");
}

public sealed class CreateApiKeyHandler(IWibotDbContext db, TimeProvider clock) : ICommandHandler<CreateApiKeyCommand, CreatedApiKeyResponse>
{
    public async ValueTask<CreatedApiKeyResponse> Handle(CreateApiKeyCommand command, CancellationToken cancellationToken)
    {
        var name = command.Name.Trim();
        if (await db.ApiKeys.AnyAsync(k => k.Name == name && k.RevokedAt == null, cancellationToken))
        {
            throw new ConflictException("An active API key already has this name.");
        }

        var now = clock.GetUtcNow();
        var secret = ApiKeySecrets.Generate();
        var key = ApiKey.Issue(name, ApiKeySecrets.Hash(secret), now);
        db.ApiKeys.Add(key);
        var actor = await db.Users.AsNoTracking().Where(u => u.Id == command.ActorId).Select(u => u.Username).FirstOrDefaultAsync(cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.ApiKeyCreated, now, command.ActorId, actor, name, true, null, command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKeyResponse(key.Id, key.Name, secret, key.CreatedAt);
    }
}
