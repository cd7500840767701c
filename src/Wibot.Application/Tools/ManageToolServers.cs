using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Audit;
using Wibot.Domain.Tools;

namespace Wibot.Application.Tools;

public sealed record GetToolServersQuery : IQuery<ToolServersResponse>;

public sealed class GetToolServersHandler(IWibotDbContext db) : IQueryHandler<GetToolServersQuery, ToolServersResponse>
{
    public async ValueTask<ToolServersResponse> Handle(GetToolServersQuery query, CancellationToken cancellationToken)
    {
        var servers = await db.ToolServers.AsNoTracking().Include(s => s.Tools).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        return new ToolServersResponse(servers.Select(ToolServerViews.ToDto).ToList());
    }
}

/// <summary>Registers a server and lists its tools at once; an unreachable one is still saved, and says why.</summary>
public sealed record RegisterToolServerCommand(int ActorId, string? Name, string? Url, IReadOnlyDictionary<string, string>? Headers, string? ClientAddress)
    : ICommand<ToolServerDto>
{
    public override string ToString() => $"RegisterToolServerCommand {{ Name = {Name}, Url = {Url} }}";
}

public sealed class RegisterToolServerValidator : AbstractValidator<RegisterToolServerCommand>
{
    public RegisterToolServerValidator()
    {
        RuleFor(x => x.Name).ValidServerName();
        RuleFor(x => x.Url).ValidServerUrl();
        RuleFor(x => x.Headers).ValidHeaders();
    }
}

public sealed class RegisterToolServerHandler(IWibotDbContext db, IToolServerClient client, ISecretProtector protector, TimeProvider clock)
    : ICommandHandler<RegisterToolServerCommand, ToolServerDto>
{
    public async ValueTask<ToolServerDto> Handle(RegisterToolServerCommand command, CancellationToken cancellationToken)
    {
        var name = command.Name!;
        if (await db.ToolServers.AnyAsync(s => s.Name == name, cancellationToken))
        {
            throw new ConflictException("A tool server already has this name.");
        }

        var now = clock.GetUtcNow();
        var headers = command.Headers ?? new Dictionary<string, string>();
        var server = ToolServer.Register(name, command.Url!, ToolServerHeaders.Protect(protector, headers), headers.Keys.ToList(), now);
        await ToolServerHeaders.ListAsync(server, protector, client, now, cancellationToken);
        db.ToolServers.Add(server);
        var actor = await ActorNameAsync(db, command.ActorId, cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.ToolServerRegistered, now, command.ActorId, actor, server.Name, true,
            Admin.AuditSnapshot.Diff(null, ToolServerViews.Snapshot(server), new { status = ToolServerViews.ToDto(server).Status, tools = server.Tools.Count }), command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken); // a name taken at the same moment: the unique index answers 409
        return ToolServerViews.ToDto(server);
    }

    internal static Task<string?> ActorNameAsync(IWibotDbContext db, int actorId, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.Id == actorId).Select(u => u.Username).FirstOrDefaultAsync(ct);
}

/// <summary>Changes a server's URL, headers (replaced as a whole; <c>{}</c> removes them) or enabled flag; a new URL or new headers are listed again.</summary>
public sealed record UpdateToolServerCommand(int ActorId, Guid ServerId, string? Url, IReadOnlyDictionary<string, string>? Headers, bool? Enabled, string? ClientAddress)
    : ICommand<ToolServerDto>
{
    public override string ToString() => $"UpdateToolServerCommand {{ ServerId = {ServerId}, Url = {Url}, Enabled = {Enabled} }}";
}

public sealed class UpdateToolServerValidator : AbstractValidator<UpdateToolServerCommand>
{
    public UpdateToolServerValidator()
    {
        RuleFor(x => x.Url).ValidServerUrl().When(x => x.Url is not null);
        RuleFor(x => x.Headers).ValidHeaders();
    }
}

public sealed class UpdateToolServerHandler(IWibotDbContext db, IToolServerClient client, ISecretProtector protector, TimeProvider clock)
    : ICommandHandler<UpdateToolServerCommand, ToolServerDto>
{
    public async ValueTask<ToolServerDto> Handle(UpdateToolServerCommand command, CancellationToken cancellationToken)
    {
        var server = await db.ToolServers.Include(s => s.Tools).FirstOrDefaultAsync(s => s.Id == command.ServerId, cancellationToken)
            ?? throw new NotFoundException("Tool server");
        var now = clock.GetUtcNow();
        var before = ToolServerViews.Snapshot(server);
        if (command.Url is { } url)
        {
            server.ChangeUrl(url, now);
        }

        if (command.Headers is { } headers)
        {
            server.ReplaceHeaders(ToolServerHeaders.Protect(protector, headers), headers.Keys.ToList(), now);
        }

        if (command.Enabled is { } enabled)
        {
            server.SetEnabled(enabled, now);
        }

        if (command.Url is not null || command.Headers is not null)
        {
            await ToolServerHeaders.ListAsync(server, protector, client, now, cancellationToken);
        }

        var actor = await RegisterToolServerHandler.ActorNameAsync(db, command.ActorId, cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.ToolServerUpdated, now, command.ActorId, actor, server.Name, true,
            Admin.AuditSnapshot.Diff(before, ToolServerViews.Snapshot(server), command.Headers is null ? null : new { headers_replaced = true }), command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        return ToolServerViews.ToDto(server);
    }
}

/// <summary>Lists a server's tools again: levels and flags already set are kept, new tools come in at L4.</summary>
public sealed record RefreshToolServerCommand(int ActorId, Guid ServerId, string? ClientAddress) : ICommand<ToolServerDto>;

public sealed class RefreshToolServerHandler(IWibotDbContext db, IToolServerClient client, ISecretProtector protector, TimeProvider clock)
    : ICommandHandler<RefreshToolServerCommand, ToolServerDto>
{
    public async ValueTask<ToolServerDto> Handle(RefreshToolServerCommand command, CancellationToken cancellationToken)
    {
        var server = await db.ToolServers.Include(s => s.Tools).FirstOrDefaultAsync(s => s.Id == command.ServerId, cancellationToken)
            ?? throw new NotFoundException("Tool server");
        var now = clock.GetUtcNow();
        var before = server.Tools.Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        await ToolServerHeaders.ListAsync(server, protector, client, now, cancellationToken);
        var after = server.Tools.Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        var actor = await RegisterToolServerHandler.ActorNameAsync(db, command.ActorId, cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.ToolServerRefreshed, now, command.ActorId, actor, server.Name, server.Status == ToolServerStatus.Ok,
            Admin.AuditSnapshot.Diff(new { tools = before }, new { tools = after }, new { status = ToolServerViews.ToDto(server).Status, error = server.Error }), command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        return ToolServerViews.ToDto(server);
    }
}

/// <summary>Sets a tool's level (L0 runs without approval) and enabled flag: WIBOT's decision, never the server's.</summary>
public sealed record ClassifyToolCommand(int ActorId, Guid ServerId, string Tool, string? Level, bool? Enabled, string? ClientAddress) : ICommand<ToolDto>;

public sealed class ClassifyToolValidator : AbstractValidator<ClassifyToolCommand>
{
    public ClassifyToolValidator() =>
        RuleFor(x => x.Level).Must(l => ToolServerRules.TryParseLevel(l, out _)).When(x => x.Level is not null).WithMessage("level must be L0, L1, L2, L3 or L4.");
}

public sealed class ClassifyToolHandler(IWibotDbContext db, TimeProvider clock) : ICommandHandler<ClassifyToolCommand, ToolDto>
{
    public async ValueTask<ToolDto> Handle(ClassifyToolCommand command, CancellationToken cancellationToken)
    {
        var server = await db.ToolServers.Include(s => s.Tools).FirstOrDefaultAsync(s => s.Id == command.ServerId, cancellationToken)
            ?? throw new NotFoundException("Tool server");
        var tool = server.Tool(command.Tool) ?? throw new NotFoundException("Tool");
        var before = ToolServerViews.Snapshot(tool);
        tool.Classify(command.Level is null ? null : ToolServerRules.TryParseLevel(command.Level, out var level) ? level : null, command.Enabled);
        var now = clock.GetUtcNow();
        var actor = await RegisterToolServerHandler.ActorNameAsync(db, command.ActorId, cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.ToolClassified, now, command.ActorId, actor, $"{server.Name}/{tool.Name}", true,
            Admin.AuditSnapshot.Diff(before, ToolServerViews.Snapshot(tool)), command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        return ToolServerViews.ToDto(tool);
    }
}

public sealed record DeleteToolServerCommand(int ActorId, Guid ServerId, string? ClientAddress) : ICommand;

public sealed class DeleteToolServerHandler(IWibotDbContext db, TimeProvider clock) : ICommandHandler<DeleteToolServerCommand>
{
    public async ValueTask<Unit> Handle(DeleteToolServerCommand command, CancellationToken cancellationToken)
    {
        var server = await db.ToolServers.Include(s => s.Tools).FirstOrDefaultAsync(s => s.Id == command.ServerId, cancellationToken)
            ?? throw new NotFoundException("Tool server");
        var now = clock.GetUtcNow();
        var actor = await RegisterToolServerHandler.ActorNameAsync(db, command.ActorId, cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.ToolServerDeleted, now, command.ActorId, actor, server.Name, true,
            Admin.AuditSnapshot.Diff(ToolServerViews.Snapshot(server), null), command.ClientAddress));
        db.ToolServers.Remove(server);
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
