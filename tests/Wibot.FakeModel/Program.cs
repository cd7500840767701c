using System.Globalization;
using Wibot.Api.Tests.Fakes;

// The fake Claude (Anthropic Messages API, JSON and SSE) on its own, for the browser end-to-end run.
// Usage: Wibot.FakeModel [--port N] [--chunk-delay-ms N]; POST /_fake/enqueue scripts the next answers.
var port = Option("--port", 0);
var delay = Option("--chunk-delay-ms", 120);

await using var server = new FakeModelServer
{
    DefaultReply = (model, question, count) => new FakeBehavior.Reply(
        $"Réponse simulée par **{model}** à « {question} ».\n\n" +
        "1. Vérifier le service concerné.\n2. Consulter le journal.\n\n" +
        "```powershell\nGet-Service -Name Spooler | Restart-Service\n```\n",
        InputTokens: 120 + (20 * count),
        OutputTokens: 60,
        Chunks: 8,
        ChunkDelayMs: delay),
};
await server.StartAsync(port, control: true);
Console.WriteLine($"Fake model listening on {server.BaseUrl}");

await server.WaitForShutdownAsync();

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
