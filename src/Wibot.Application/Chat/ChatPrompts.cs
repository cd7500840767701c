using System.Text;
using Microsoft.Extensions.AI;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Conversations;

namespace Wibot.Application.Chat;

/// <summary>A turn's prompt and its estimated size in tokens.</summary>
public sealed record ChatPrompt(IReadOnlyList<ChatMessage> Messages, long EstimatedTokens);

/// <summary>The system prompts of the three modes, written for WIDIP's technicians, and the prompt of a turn.</summary>
public static class ChatPrompts
{
    private const string Common =
        "Tu es WIBOT, l'assistant interne des techniciens de WIDIP, une entreprise française d'infogérance " +
        "dont les clients sont des cliniques et des EHPAD. Tu réponds en français, avec exactitude, " +
        "et tu dis clairement quand tu ne sais pas. Ne divulgue jamais de mot de passe ni de donnée patient.";

    public static string For(ChatMode mode) => mode switch
    {
        ChatMode.Flash => Common + "\n\nMode FLASH : réponds de façon concise et directe, en quelques phrases ou une courte liste " +
            "d'étapes. Pas de contexte étendu, pas de préambule : l'essentiel pour agir tout de suite.",
        ChatMode.Code => Common + "\n\nMode CODE : tu aides un technicien à écrire, relire et déboguer scripts et code " +
            "(PowerShell, Bash, Python, SQL, C#, configuration). Donne le code dans des blocs délimités par ``` avec le " +
            "langage indiqué (```powershell, ```bash…), explique les points techniques importants, signale les risques " +
            "(droits, suppression, production) et applique les bonnes pratiques (gestion d'erreurs, idempotence, sécurité).",
        ChatMode.Redaction => Common + "\n\nMode RÉDACTION : tu rédiges des écrits professionnels en français soigné — " +
            "e-mails aux clients, comptes rendus d'intervention, rapports d'incident, procédures. Structure le texte " +
            "(objet, titres, paragraphes, listes), adopte un ton courtois et factuel adapté à un établissement de santé, " +
            "et propose un texte prêt à être envoyé.",
        _ => Common,
    };

    /// <summary>
    /// The whole prompt of a turn: the mode's system prompt grounded in the passages, the history,
    /// then the question with its attached files; and a generous estimate of its size in tokens
    /// (about 3 characters a token), which the quota must admit before the model is called.
    /// </summary>
    public static ChatPrompt Build(ChatMode mode, IReadOnlyList<RetrievedPassage> passages, IReadOnlyList<PastMessage> history, string message, IReadOnlyList<AttachmentText> attachments)
    {
        ArgumentNullException.ThrowIfNull(history);
        var system = WithPassages(For(mode), passages);
        var question = WithAttachments(message, attachments);
        var messages = new List<ChatMessage>(history.Count + 2) { new(ChatRole.System, system) };
        messages.AddRange(history.Select(h => new ChatMessage(h.Role == MessageRole.Assistant ? ChatRole.Assistant : ChatRole.User, h.Content)));
        messages.Add(new ChatMessage(ChatRole.User, question));
        var estimated = ((system.Length + question.Length + history.Sum(h => (long)h.Content.Length)) / 3) + 16;
        return new ChatPrompt(messages, estimated);
    }

    /// <summary>The documents that ground the answer, as numbered excerpts appended to the system prompt.</summary>
    public static string WithPassages(string system, IReadOnlyList<RetrievedPassage> passages)
    {
        if (passages.Count == 0)
        {
            return system + "\n\nAucun document interne pertinent n'a été trouvé pour cette question : si tu réponds, " +
                "précise que ta réponse ne s'appuie pas sur la documentation de WIDIP.";
        }

        var sb = new StringBuilder(system);
        sb.Append("\n\nExtraits de la documentation interne de WIDIP (procédures, fiches clients, tickets résolus). ")
          .Append("Appuie ta réponse sur ces extraits et cite-les par leur numéro, par exemple [1] ou [2]. ")
          .Append("S'ils ne permettent pas de répondre, dis-le clairement au lieu d'inventer.\n");
        for (var i = 0; i < passages.Count; i++)
        {
            var p = passages[i];
            sb.Append("\n[").Append(i + 1).Append("] ").Append(p.Title).Append(" (").Append(p.Path).Append(")\n")
              .Append(p.Text.Trim()).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The user's turn with the attachments' text as tagged blocks.</summary>
    public static string WithAttachments(string message, IReadOnlyList<AttachmentText> attachments)
    {
        if (attachments.Count == 0)
        {
            return message;
        }

        var sb = new StringBuilder(message);
        foreach (var a in attachments)
        {
            sb.Append("\n\n<piece_jointe nom=\"").Append(a.FileName).Append("\" type=\"").Append(a.MediaType).Append("\">\n")
              .Append(a.Text);
            if (a.Truncated)
            {
                sb.Append("\n[… contenu tronqué …]");
            }

            sb.Append("\n</piece_jointe>");
        }

        return sb.ToString();
    }
}
