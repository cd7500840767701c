using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Audit;

namespace Wibot.Application.Rag.IngestDocuments;

public sealed record IngestDocumentsCommand(int? ActorId, string? ClientAddress) : ICommand<IngestResponse>;

public sealed record IngestResponse(int Added, int Updated, int Removed, int Unchanged, int Chunks, long DurationMs, IReadOnlyList<IngestError> Errors);

public sealed class IngestDocumentsHandler(IDocumentIndex index, IWibotDbContext db, TimeProvider clock) : ICommandHandler<IngestDocumentsCommand, IngestResponse>
{
    public async ValueTask<IngestResponse> Handle(IngestDocumentsCommand command, CancellationToken cancellationToken)
    {
        var report = await index.IngestAsync(cancellationToken);
        var actor = command.ActorId is { } id
            ? await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.Username).FirstOrDefaultAsync(cancellationToken)
            : "system";
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.DocumentsIngested, clock.GetUtcNow(), command.ActorId, actor, "rag-documents", report.Errors.Count == 0,
            JsonSerializer.Serialize(new { added = report.Added, updated = report.Updated, removed = report.Removed, unchanged = report.Unchanged, errors = report.Errors.Count }),
            command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        return new IngestResponse(report.Added, report.Updated, report.Removed, report.Unchanged, report.Chunks, report.DurationMs, report.Errors);
    }
}
