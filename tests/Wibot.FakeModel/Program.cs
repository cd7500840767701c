using System.Globalization;
using Wibot.Api.Tests.Fakes;

// The fake Claude (Anthropic Messages API, JSON and SSE) on its own, for the browser end-to-end run.
// Usage: Wibot.FakeModel [--port N] [--chunk-delay-ms N] [--mcp-port N]; POST /_fake/enqueue scripts the next answers.
// With --mcp-port, the tests' MCP tool server (company tools, Authorization: Bearer <FakeToolServer.Secret>)
// is hosted too, on that port at /mcp; GET /_fake/tool-calls on the model's port lists the calls it received.
var port = Option("--port", 0);
var delay = Option("--chunk-delay-ms", 120);
var mcpPort = Option("--mcp-port", -1);

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
await using var tools = mcpPort >= 0 ? new FakeToolServer() : null;
if (tools is not null)
{
    await tools.StartAsync(mcpPort);
    server.ToolCalls = () => tools.Calls.Select(c => new { tool = c.Tool, request_id = c.RequestId }).ToArray();
    Console.WriteLine($"Fake MCP tool server listening on {tools.Url}");
}

await server.StartAsync(port, control: true);
Console.WriteLine($"Fake model listening on {server.BaseUrl}");

await server.WaitForShutdownAsync();

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
