using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Infrastructure.Llm;

/// <summary>
/// The provider used when no language model is configured: it answers from the indexed documents
/// alone (their best passages, with sources) and says so plainly. Token accounting stays the same.
/// </summary>
internal sealed class OfflineChatClient(IServiceScopeFactory scopes) : IChatClient
{
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        var question = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        var cut = question.IndexOf("\n\n<piece_jointe", StringComparison.Ordinal);
        if (cut > 0)
        {
            question = question[..cut];
        }

        IReadOnlyList<RetrievedPassage> passages;
        await using (var scope = scopes.CreateAsyncScope())
        {
            passages = await scope.ServiceProvider.GetRequiredService<IDocumentRetriever>().SearchAsync(question, 3, cancellationToken);
        }

        var sb = new StringBuilder();
        sb.Append("Aucun modèle de langage n'est configuré sur ce serveur WIBOT : voici les passages des documents internes les plus proches de votre question.");
        if (passages.Count == 0)
        {
            sb.Append("\n\nAucun document indexé ne correspond à votre question.");
        }

        foreach (var p in passages)
        {
            sb.Append("\n\n### ").Append(p.Title).Append(" (").Append(p.Path).Append(")\n").Append(p.Text.Trim());
        }

        var answer = sb.ToString();
        var input = list.Sum(m => (long)(m.Text?.Length ?? 0)) / 4;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            ModelId = "offline",
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = (answer.Length / 4) + 1 },
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var paragraph in response.Text.Split("\n\n"))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, paragraph + "\n\n");
        }

        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = [new UsageContent(response.Usage!)] };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(OfflineChatClient) ? this : null;

    public void Dispose()
    {
    }
}
