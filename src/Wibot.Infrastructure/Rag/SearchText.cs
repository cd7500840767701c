using System.Text;
using System.Text.RegularExpressions;

namespace Wibot.Infrastructure.Rag;

/// <summary>
/// Text shaping shared by indexing and searching: hyphenated words also indexed joined ("Wi-Fi" → "wifi",
/// "pare-feu" → "parefeu", "e-mail" → "email") so both spellings meet, and, for questions only, the
/// chatter of a typed question dropped ("comment", "svp", "ça marche pas") and common French IT
/// abbreviations spelled out ("mdp" → "mot de passe", "gpo" → "stratégie de groupe").
/// </summary>
public static partial class SearchText
{
    /// <summary>Words that say how the question is asked, not what it is about.</summary>
    private static readonly HashSet<string> Filler = new(StringComparer.Ordinal)
    {
        "bonjour", "salut", "merci", "svp", "stp", "please", "comment", "pourquoi", "quoi", "quel", "quelle", "quels", "quelles",
        "est-ce", "faire", "fait", "faut", "veux", "voudrais", "voulais", "peux", "pouvez", "doit", "dois", "arrive", "arrivent",
        "marche", "marchent", "truc", "trucs", "ca", "ça", "cela", "ya", "j'ai", "jai", "c'est", "cest", "on", "je", "tu", "il", "elle",
        "ils", "nous", "vous", "mon", "ma", "mes", "son", "sa", "ses", "leur", "leurs", "notre", "nos", "aide", "besoin", "help",
        "moyen", "possible", "alors", "donc", "genre", "bien", "tout", "tous", "toute", "toutes", "encore", "toujours", "deja", "déjà",
        "a", "à", "y", "en", "au", "aux", "du", "de", "des", "le", "la", "les", "un", "une", "et", "ou", "pas", "plus", "ne", "n'",
    };

    /// <summary>Abbreviations a technician types; each is kept and its spelled-out form added.</summary>
    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.Ordinal)
    {
        ["mdp"] = "mot de passe",
        ["pwd"] = "mot de passe",
        ["passwd"] = "mot de passe",
        ["maj"] = "mise à jour",
        ["màj"] = "mise à jour",
        ["pb"] = "problème",
        ["pbm"] = "problème",
        ["pbs"] = "problèmes",
        ["cnx"] = "connexion",
        ["conf"] = "configuration",
        ["config"] = "configuration",
        ["param"] = "paramètre",
        ["params"] = "paramètres",
        ["appli"] = "application",
        ["applis"] = "applications",
        ["app"] = "application",
        ["apps"] = "applications",
        ["ordi"] = "ordinateur",
        ["bdd"] = "base de données",
        ["gpo"] = "stratégie de groupe",
        ["ad"] = "active directory",
        ["cmd"] = "commande",
        ["bal"] = "boîte aux lettres",
        ["pj"] = "pièce jointe",
        ["msg"] = "message",
        ["num"] = "numéro",
        ["tel"] = "téléphone",
        ["infos"] = "informations",
        ["info"] = "information",
        ["certif"] = "certificat",
        ["certifs"] = "certificats",
        ["dispo"] = "disponible",
        ["auth"] = "authentification",
        ["authent"] = "authentification",
        ["2fa"] = "double authentification",
        ["vm"] = "machine virtuelle",
        ["vms"] = "machines virtuelles",
        ["dd"] = "disque dur",
        ["hdd"] = "disque dur",
        ["rdp"] = "bureau à distance",
        ["tse"] = "bureau à distance",
        ["fw"] = "pare-feu",
        ["firewall"] = "pare-feu",
        ["parefeu"] = "pare-feu",
        ["user"] = "utilisateur",
        ["users"] = "utilisateurs",
        ["admin"] = "administrateur",
    };

    /// <summary>The text to index: itself, then the joined form of its hyphenated words.</summary>
    public static string ForIndex(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var joined = JoinedHyphenated(text);
        return joined.Length == 0 ? text : text + " " + joined;
    }

    /// <summary>The question as searched: chatter dropped, abbreviations spelled out, hyphenated words joined too.</summary>
    public static string ForQuery(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var kept = new List<string>();
        foreach (Match m in QueryWord().Matches(question))
        {
            var word = m.Value;
            var folded = DocumentParser.Fold(word);
            var elided = Elision().Replace(folded, string.Empty);
            if (Filler.Contains(folded) || Filler.Contains(elided) || Filler.Contains(word.ToLowerInvariant()))
            {
                continue;
            }

            kept.Add(word);
            if (Abbreviations.TryGetValue(elided, out var expansion) || Abbreviations.TryGetValue(folded, out expansion))
            {
                kept.Add(expansion);
            }
        }

        // A question made only of chatter is searched as typed.
        var result = kept.Count == 0 ? question : string.Join(' ', kept);
        return ForIndex(result);
    }

    private static string JoinedHyphenated(string text)
    {
        var sb = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match m in Hyphenated().Matches(text))
        {
            var joined = m.Value.Replace("-", string.Empty, StringComparison.Ordinal);
            if (seen.Add(joined))
            {
                sb.Append(joined).Append(' ');
            }
        }

        return sb.ToString().TrimEnd();
    }

    [GeneratedRegex(@"\b\p{L}{1,12}(?:-\p{L}{1,12})+\b")]
    private static partial Regex Hyphenated();

    [GeneratedRegex(@"[\p{L}\p{N}][\p{L}\p{N}'’\-_.]*[\p{L}\p{N}]|[\p{L}\p{N}]")]
    private static partial Regex QueryWord();

    [GeneratedRegex(@"^(?:[ldjmnstc]|qu)['’]")]
    private static partial Regex Elision();
}
