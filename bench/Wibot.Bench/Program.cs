using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Wibot.Api.Tests.Fakes;
using Wibot.Infrastructure.Persistence.Local;

namespace Wibot.Bench;

/// <summary>
/// WIBOT's benchmarks: starts PostgreSQL, the API (Release) and a 0 ms fake model, seeds data, measures
/// every route family with wrk at concurrency 1, 16 and 64, and prints markdown tables. Not a test.
/// Usage: bench/run.sh [--quick] [--skip-rag-scale] [--only=reads,chat,chatteam,stream,streams1000,safeguard,tools,scaleout,rag,ragscale]
/// </summary>
internal static partial class Program
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static bool _quick;

    public static async Task<int> Main(string[] args)
    {
        _quick = args.Contains("--quick");
        var only = args.FirstOrDefault(a => a.StartsWith("--only=", StringComparison.Ordinal))?[7..].Split(',') ?? ["reads", "chat", "chatteam", "stream", "streams1000", "safeguard", "tools", "scaleout", "rag", "ragscale"];
        if (args.Contains("--skip-rag-scale"))
        {
            only = only.Where(o => o != "ragscale").ToArray();
        }

        var repo = FindRepoRoot();
        var maintenance = new LocalPostgres(new LocalPostgresSettings(), NullLogger.Instance).EnsureRunning();
        var dbName = $"wibot_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
        var connectionString = await LocalPostgres.EnsureDatabaseAsync(maintenance, dbName);
        await using var model = new FakeModelServer();
        await model.StartAsync();

        var ragRoot = Path.Combine(Path.GetTempPath(), $"wibot-bench-rag-{Guid.NewGuid():N}");
        CopyTree(Path.Combine(repo, "rag-documents"), Path.Combine(ragRoot, "rag-documents"));
        CopyTree(Path.Combine(repo, "bench", "rag", "corpus"), Path.Combine(ragRoot, "corpus"));

        var port = FreePort();
        var api = StartApi(repo, port, connectionString, model.BaseUrl, ragRoot);
        FirstApiPid = api.Id;
        var report = new StringBuilder();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
            await WaitReadyAsync(http, api);
            var admin = await LoginAsync(http, "admin", AdminPassword);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            var baseUrl = http.BaseAddress!.ToString().TrimEnd('/');

            report.AppendLine(CultureInfo.InvariantCulture, $"# WIBOT benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores{(_quick ? " (quick)" : string.Empty)}").AppendLine();
            var seed = await SeedAsync(http, connectionString);

            if (only.Contains("reads"))
            {
                report.AppendLine(await ReadRoutesAsync(baseUrl, admin, seed, connectionString, api));
            }

            if (only.Contains("chat"))
            {
                report.AppendLine(await ChatAsync(baseUrl, admin, api));
            }

            if (only.Contains("chatteam"))
            {
                report.AppendLine(await ChatTeamAsync(http, baseUrl, api));
            }

            if (only.Contains("stream"))
            {
                report.AppendLine(await StreamingAsync(http, model));
            }

            if (only.Contains("streams1000"))
            {
                report.AppendLine(await ThousandStreamsAsync(http, model, api));
            }

            if (only.Contains("safeguard"))
            {
                report.AppendLine(await SafeguardAsync(http, baseUrl, admin, api));
            }

            if (only.Contains("tools"))
            {
                report.AppendLine(await ToolsAsync(http, model, seed));
            }

            if (only.Contains("scaleout"))
            {
                report.AppendLine(await ScaleOutAsync(repo, connectionString, model.BaseUrl, ragRoot, port, seed, admin));
            }

            if (only.Contains("rag"))
            {
                report.AppendLine(await RagQualityAsync(http, repo));
            }

            if (only.Contains("ragscale"))
            {
                report.AppendLine(await RagScaleAsync(repo, connectionString, model.BaseUrl, baseUrl, admin, http));
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"API peak RSS (VmHWM) over the whole run: **{PeakRssMb(api)} MB**");
        }
        finally
        {
            Stop(api);
            Directory.Delete(ragRoot, true);
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(maintenance);
            await c.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{dbName}\" WITH (FORCE)", c);
            await drop.ExecuteNonQueryAsync();
        }

        Console.WriteLine();
        Console.WriteLine(report.ToString());
        return 0;
    }

    private const string AdminPassword = "Bench-Admin-Pw-2026!";
    private const string JwtSecret = "bench-only-9c1f3a7b2d4e6f8091a2b3c4d5e6f708192a3b4c5d6e";

    private sealed record Seed(string UserToken, string ConversationId, string UserName);

    private static Process StartApi(string repo, int port, string connectionString, string modelUrl, string ragRoot, string? name = null)
    {
        var dll = Path.Combine(repo, "src", "Wibot.Api", "bin", "Release", "net10.0", "Wibot.Api.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        var env = info.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["ConnectionStrings__Wibot"] = connectionString + ";Maximum Pool Size=200";
        env["Jwt__Secret"] = JwtSecret;
        env["Bootstrap__AdminPassword"] = AdminPassword;
        env["Llm__Provider"] = "anthropic";
        env["Llm__Anthropic__ApiKey"] = "sk-bench";
        env["Llm__Anthropic__BaseUrl"] = modelUrl;
        env["Llm__Resilience__CircuitBreakerMinimumThroughput"] = "1000000";
        env["RateLimits__ChatPerMinute"] = "100000000"; // the benchmark measures throughput, not the per-user limit
        env["Quota__DefaultMonthlyTokens"] = "1000000000000";
        env["Rag__DocumentsPath"] = ragRoot;
        env["Rag__IndexOnStartup"] = "false";
        env["Auth__MaxFailuresPerAddress"] = "1000000";
        env["Logging__LogLevel__Default"] = "Warning";
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null && name is not null) { Console.Error.WriteLine($"[{name}] {e.Data}"); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task WaitReadyAsync(HttpClient http, Process api)
    {
        for (var i = 0; i < 240; i++)
        {
            if (api.HasExited)
            {
                throw new InvalidOperationException("The API exited during start-up.");
            }

            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("The API did not become ready.");
    }

    private static async Task<string> LoginAsync(HttpClient http, string user, string password)
    {
        var r = await http.PostAsJsonAsync("/webhook/auth/login", new { username = user, password });
        r.EnsureSuccessStatusCode();
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>A technician with 50 conversations of 20 messages, 1,000,000 messages overall for analytics, 1,000 pending Safeguard requests.</summary>
    private static async Task<Seed> SeedAsync(HttpClient http, string connectionString)
    {
        var sw = Stopwatch.StartNew();
        (await http.PostAsJsonAsync("/webhook/wibot/admin/users", new { username = "bench.tech", password = "Bench-Tech-Pw-1", email = "", role = "user", accreditation_level = "N4", quota_tokens = 1_000_000_000_000L })).EnsureSuccessStatusCode();
        using var anon = new HttpClient { BaseAddress = http.BaseAddress };
        var token = await LoginAsync(anon, "bench.tech", "Bench-Tech-Pw-1");
        var totalMessages = _quick ? 100_000 : 1_000_000;
        await using (var c = new NpgsqlConnection(connectionString))
        {
            await c.OpenAsync();
            var sql = $"""
                INSERT INTO users (username, password_hash, email, role, accreditation_level, is_active, created_at, security_stamp)
                SELECT 'load.' || g, 'x', NULL, 'user', 'N1', true, now(), gen_random_uuid() FROM generate_series(1, 200) g;
                INSERT INTO conversations (conversation_id, user_id, title, created_at, updated_at)
                SELECT gen_random_uuid(), CASE WHEN g <= 50 THEN (SELECT user_id FROM users WHERE username = 'bench.tech')
                       ELSE (SELECT min(user_id) FROM users WHERE username LIKE 'load.%') + (g % 200) END,
                       'Conversation ' || g, now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval
                FROM generate_series(1, 20000) g;
                INSERT INTO messages (message_id, conversation_id, role, content, mode, tokens_used, created_at, has_attachment, source_count, attachment_count)
                SELECT gen_random_uuid(), c.conversation_id, CASE WHEN n % 2 = 0 THEN 'user' ELSE 'assistant' END,
                       'Message de charge numéro ' || n, (ARRAY['flash','code','redaction'])[1 + n % 3], CASE WHEN n % 2 = 1 THEN 150 ELSE 0 END,
                       now() - ((n * 37) % (60 * 24 * 90) || ' minutes')::interval, false, 0, 0
                FROM (SELECT conversation_id, row_number() OVER () AS rn FROM conversations) c
                CROSS JOIN LATERAL generate_series(1, {totalMessages / 20000}) n;
                UPDATE conversations SET message_count = {totalMessages / 20000};
                ANALYZE;
                """;
            await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 900 };
            await cmd.ExecuteNonQueryAsync();
        }

        var keyResponse = await http.PostAsJsonAsync("/webhook/wibot/admin/api-keys", new { name = "bench-tool" });
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var tool = new HttpClient { BaseAddress = http.BaseAddress };
        tool.DefaultRequestHeaders.Add("X-Api-Key", key);
        var raise = Enumerable.Range(0, 1000).Select(i => tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new
        {
            tool = "ad_reset_password", arguments = new { user = $"user{i}", password = "secret" }, level = $"L{1 + (i % 4)}", reason = "Bench", ttl_seconds = 86_000,
        }));
        foreach (var chunk in raise.Chunk(50))
        {
            await Task.WhenAll(chunk);
        }

        using var userHttp = new HttpClient { BaseAddress = http.BaseAddress };
        userHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var list = await userHttp.GetFromJsonAsync<JsonElement>("/webhook/wibot/conversations?limit=1");
        var conversationId = list.GetProperty("conversations")[0].GetProperty("conversation_id").GetString()!;
        Console.Error.WriteLine($"seeded {totalMessages:N0} messages, 20,000 conversations, 1,000 Safeguard requests in {sw.Elapsed.TotalSeconds:F0} s");
        return new Seed(token, conversationId, "bench.tech");
    }

    private static async Task<string> ReadRoutesAsync(string baseUrl, string admin, Seed seed, string connectionString, Process api)
    {
        var sb = new StringBuilder("## Read routes (wrk, 2 threads)\n\n| route | c | req/s | p50 ms | p99 ms | errors | pgbench SQL ceiling req/s |\n|---|---|---|---|---|---|---|\n");
        var routes = new (string Name, string Path, string Token, string? Sql)[]
        {
            ("GET conversations", "/webhook/wibot/conversations", seed.UserToken,
                "SELECT c.conversation_id, c.title, c.created_at, c.updated_at, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.conversation_id) FROM conversations c WHERE c.user_id = (SELECT user_id FROM users WHERE username = 'bench.tech') ORDER BY c.updated_at DESC, c.conversation_id DESC LIMIT 50;"),
            ("GET messages/{id}", $"/webhook/wibot/messages/{seed.ConversationId}", seed.UserToken,
                $"SELECT m.* FROM messages m WHERE m.conversation_id = '{seed.ConversationId}' ORDER BY m.created_at, m.message_id;"),
            ("GET user/tokens", "/webhook/wibot/user/tokens", seed.UserToken,
                "SELECT * FROM user_token_usage WHERE user_id = (SELECT user_id FROM users WHERE username = 'bench.tech') ORDER BY month DESC LIMIT 1;"),
            ("GET admin/users (201 users)", "/webhook/wibot/admin/users", admin, null),
            ("GET safeguard/requests (1,000 pending)", "/webhook/wibot/safeguard/requests?limit=200", seed.UserToken, null),
            ("GET analytics (month, 1M messages)", "/webhook/wibot/analytics", admin, null),
        };
        foreach (var (name, path, token, sql) in routes)
        {
            foreach (var c in Concurrencies)
            {
                var r = RunWrk(baseUrl + path, token, c, null);
                var ceiling = sql is null ? "—" : PgBench(connectionString, sql, c);
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {c} | {r.Rps:F0} | {r.P50:F2} | {r.P99:F2} | {r.Errors} | {ceiling} |");
            }
        }

        sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Peak RSS after reads: {PeakRssMb(api)} MB.");
        return sb.ToString();
    }

    private static int[] Concurrencies => _quick ? [1, 16] : [1, 16, 64];

    private static async Task<string> ChatAsync(string baseUrl, string admin, Process api)
    {
        var sb = new StringBuilder("## Chat (POST /webhook/wibot/chat, fake model at 0 ms, flash mode)\n\n| route | c | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|\n");
        var lua = Path.GetTempFileName();
        await File.WriteAllTextAsync(lua, "wrk.method = \"POST\"\nwrk.body = '{\"message\":\"Le spouleur est bloqué, que faire ?\",\"mode\":\"flash\"}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n");
        foreach (var c in Concurrencies)
        {
            var r = RunWrk(baseUrl + "/webhook/wibot/chat", admin, c, lua);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| POST chat | {c} | {r.Rps:F0} | {r.P50:F2} | {r.P99:F2} | {r.Errors} |");
        }

        var login = Path.GetTempFileName();
        await File.WriteAllTextAsync(login, "wrk.method = \"POST\"\nwrk.body = '{\"username\":\"admin\",\"password\":\"" + AdminPassword + "\"}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n");
        foreach (var c in new[] { 1, 16 })
        {
            var r = RunWrk(baseUrl + "/webhook/auth/login", null, c, login);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| POST auth/login (PBKDF2 600k) | {c} | {r.Rps:F0} | {r.P50:F2} | {r.P99:F2} | {r.Errors} |");
        }

        sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Peak RSS after chat: {PeakRssMb(api)} MB.");
        File.Delete(lua);
        File.Delete(login);
        return sb.ToString();
    }

    /// <summary>Time to first delta through WIBOT minus the fake model's own, over sequential streams.</summary>
    private static async Task<string> StreamingAsync(HttpClient http, FakeModelServer model)
    {
        var direct = new List<double>();
        var through = new List<double>();
        var n = _quick ? 50 : 200;
        using var raw = new HttpClient();
        for (var i = 0; i < n + 10; i++)
        {
            var sw = Stopwatch.StartNew();
            using (var req = new HttpRequestMessage(HttpMethod.Post, model.BaseUrl + "/v1/messages")
            {
                Content = new StringContent("{\"model\":\"m\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", Encoding.UTF8, "application/json"),
            })
            using (var res = await raw.SendAsync(req, HttpCompletionOption.ResponseHeadersRead))
            using (var reader = new StreamReader(await res.Content.ReadAsStreamAsync()))
            {
                while (await reader.ReadLineAsync() is { } line && !line.Contains("content_block_delta", StringComparison.Ordinal))
                {
                }

                if (i >= 10)
                {
                    direct.Add(sw.Elapsed.TotalMilliseconds);
                }

                await reader.ReadToEndAsync();
            }

            sw.Restart();
            using (var req = new HttpRequestMessage(HttpMethod.Post, "/webhook/wibot/chat") { Content = JsonContent.Create(new { message = "stream", mode = "flash" }) })
            {
                req.Headers.Accept.ParseAdd("text/event-stream");
                using var res = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
                using var reader = new StreamReader(await res.Content.ReadAsStreamAsync());
                while (await reader.ReadLineAsync() is { } line && line != "event: delta")
                {
                }

                if (i >= 10)
                {
                    through.Add(sw.Elapsed.TotalMilliseconds);
                }

                await reader.ReadToEndAsync();
            }
        }

        return "## Streaming: time to first delta (sequential, " + n.ToString(Inv) + " streams)\n\n| path | p50 ms | p99 ms |\n|---|---|---|\n" +
            $"| fake model directly | {Pct(direct, 50):F2} | {Pct(direct, 99):F2} |\n| through WIBOT (auth, quota, history, RAG, storage) | {Pct(through, 50):F2} | {Pct(through, 99):F2} |\n" +
            $"| **added by WIBOT** | **{Pct(through, 50) - Pct(direct, 50):F2}** | **{Pct(through, 99) - Pct(direct, 99):F2}** |\n";
    }

    /// <summary>1,000 simultaneous streaming chats, the fake model streaming each for 30 s: all complete, memory stays bounded.</summary>
    private static async Task<string> ThousandStreamsAsync(HttpClient http, FakeModelServer model, Process api)
    {
        const int streams = 1000;
        var seconds = _quick ? 10 : 30;
        model.Reset();
        for (var i = 0; i < streams; i++)
        {
            model.Enqueue(new FakeBehavior.Reply(new string('x', seconds * 4), 50, seconds, Chunks: seconds, ChunkDelayMs: 1000));
        }

        var before = PeakRssMb(api);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = streams + 10 };
        using var client = new HttpClient(handler) { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
        var sw = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, streams).Select(async i =>
        {
            try
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, "/webhook/wibot/chat") { Content = JsonContent.Create(new { message = $"flux {i}", mode = "flash" }) };
                req.Headers.Accept.ParseAdd("text/event-stream");
                using var res = await client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
                var body = await res.Content.ReadAsStringAsync();
                return body.Contains("event: done", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }));
        var done = results.Count(r => r);
        return $"## {streams:N0} simultaneous streaming chats ({seconds} s each)\n\n{done}/{streams} completed with `done` in {sw.Elapsed.TotalSeconds:F1} s; API peak RSS {before} MB before, **{PeakRssMb(api)} MB** after.\n";
    }

    /// <summary>200 tool servers long-polling while technicians decide: time from decision to long-poll answer.</summary>
    private static async Task<string> SafeguardAsync(HttpClient http, string baseUrl, string admin, Process api)
    {
        var keyResponse = await http.PostAsJsonAsync("/webhook/wibot/admin/api-keys", new { name = "bench-poll" });
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var tool = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        tool.DefaultRequestHeaders.Add("X-Api-Key", key);
        var ids = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var r = await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "glpi_close_ticket", arguments = new { ticket = i }, level = "L1", reason = "poll" });
            ids.Add((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_id").GetString()!);
        }

        var answered = new Dictionary<string, long>();
        var polls = ids.Select(async id =>
        {
            var r = await tool.GetAsync($"/webhook/wibot/safeguard/requests/{id}?wait=60");
            var at = Stopwatch.GetTimestamp();
            lock (answered)
            {
                answered[id] = at;
            }

            return r.IsSuccessStatusCode;
        }).ToList();
        await Task.Delay(1500);
        var decided = new Dictionary<string, long>();
        foreach (var batch in ids.Chunk(8))
        {
            await Task.WhenAll(batch.Select(async id =>
            {
                var r = await http.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id });
                var at = Stopwatch.GetTimestamp();
                r.EnsureSuccessStatusCode();
                lock (decided)
                {
                    decided[id] = at;
                }
            }));
        }

        var ok = (await Task.WhenAll(polls)).Count(x => x);
        var delays = ids.Select(id => Stopwatch.GetElapsedTime(decided[id], answered[id]).TotalMilliseconds).ToList();
        var sb = new StringBuilder("## Safeguard\n\n");
        sb.AppendLine(CultureInfo.InvariantCulture, $"200 tool servers long-polling at once while technicians decide: {ok}/200 answered; time from the decision's response to the long poll's answer: median **{Pct(delays, 50):F1} ms**, p99 {Pct(delays, 99):F1} ms (negative: the poll answered before the approver read its own response).").AppendLine();
        return sb.ToString();
    }

    /// <summary>
    /// Tools: the time from an approval's answer to the approved call reaching the tool server (the
    /// runner woken by NOTIFY, the claim, the re-checks, the MCP call); what an L0 tool round adds to a
    /// chat turn; the gateway's overhead on an L0 call at concurrency 16, against the same SDK client
    /// calling the tool server directly.
    /// </summary>
    private static async Task<string> ToolsAsync(HttpClient http, FakeModelServer model, Seed seed)
    {
        await using var tools = new Wibot.Api.Tests.Fakes.FakeToolServer();
        await tools.StartAsync();
        var server = await (await http.PostAsJsonAsync("/webhook/wibot/admin/mcp-servers", new
        {
            name = "bench-ad",
            url = tools.Url,
            headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {Wibot.Api.Tests.Fakes.FakeToolServer.Secret}" },
        })).Content.ReadFromJsonAsync<JsonElement>();
        var serverId = server.GetProperty("server_id").GetString();
        (await http.PutAsJsonAsync($"/webhook/wibot/admin/mcp-servers/{serverId}/tools/ad_get_user_info", new { level = "L0" })).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync($"/webhook/wibot/admin/mcp-servers/{serverId}/tools/ad_unlock_account", new { level = "L2" })).EnsureSuccessStatusCode();
        var key = (await (await http.PostAsJsonAsync("/webhook/wibot/admin/api-keys", new { name = "bench-agent" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        static async Task<ModelContextProtocol.Client.McpClient> ConnectAsync(string url, string authorization) =>
            await ModelContextProtocol.Client.McpClient.CreateAsync(new ModelContextProtocol.Client.HttpClientTransport(new ModelContextProtocol.Client.HttpClientTransportOptions
            {
                Endpoint = new Uri(url),
                TransportMode = ModelContextProtocol.Client.HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = authorization },
            }));

        await using var agent = await ConnectAsync(http.BaseAddress + "mcp", $"Bearer {key}");
        await using var direct = await ConnectAsync(tools.Url, $"Bearer {Wibot.Api.Tests.Fakes.FakeToolServer.Secret}");
        var sb = new StringBuilder("## Tools (MCP)\n\n");

        // 1. Approval → the call reaching the server.
        var n = _quick ? 20 : 100;
        var requests = new List<string>();
        for (var i = 0; i < n; i++)
        {
            var pending = await agent.CallToolAsync("bench-ad__ad_unlock_account", new Dictionary<string, object?> { ["username"] = $"user{i}" });
            requests.Add(JsonSerializer.SerializeToElement(pending.StructuredContent).GetProperty("request_id").GetString()!);
        }

        var approvedAt = new Dictionary<string, long>();
        foreach (var id in requests)
        {
            (await http.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id })).EnsureSuccessStatusCode();
            approvedAt[id] = Stopwatch.GetTimestamp();
            await Task.Delay(20);
        }

        var deadline = Stopwatch.StartNew();
        while (tools.Calls.Count(c => c.Tool == "ad_unlock_account") < n && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        var received = tools.Calls.Where(c => c.Tool == "ad_unlock_account" && c.RequestId is not null).ToList();
        var lag = received.Select(c => Stopwatch.GetElapsedTime(approvedAt[c.RequestId!], c.ReceivedAt).TotalMilliseconds).ToList();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{received.Count}/{n} approved gateway calls reached the tool server ({received.Select(c => c.RequestId).Distinct().Count()} distinct request ids); time from the approval's answer to the call arriving: median **{Pct(lag, 50):F1} ms**, p99 {Pct(lag, 99):F1} ms.").AppendLine();

        // 2. An L0 tool round in a chat turn (JSON, c=1), against a turn without tools.
        using var user = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", seed.UserToken);
        async Task<List<double>> TurnsAsync(bool withTool)
        {
            var times = new List<double>();
            for (var i = 0; i < (_quick ? 10 : 50); i++)
            {
                if (withTool)
                {
                    model.Enqueue(new FakeBehavior.UseTool("bench-ad__ad_get_user_info", new { username = "jdupont" }, null, 50, 5), new FakeBehavior.Reply("actif", 60, 2));
                }
                else
                {
                    model.Enqueue(new FakeBehavior.Reply("actif", 60, 2));
                }

                var started = Stopwatch.GetTimestamp();
                (await user.PostAsJsonAsync("/webhook/wibot/chat", new { message = "jdupont est-il actif ?", mode = "flash" })).EnsureSuccessStatusCode();
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return times;
        }

        var plain = await TurnsAsync(false);
        var withTool = await TurnsAsync(true);
        sb.AppendLine("| chat turn (JSON, c=1, 0 ms model) | p50 ms | p99 ms |\n|---|---|---|");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| no tool call | {Pct(plain, 50):F2} | {Pct(plain, 99):F2} |\n| one L0 tool round (MCP call + second model call) | {Pct(withTool, 50):F2} | {Pct(withTool, 99):F2} |\n| **added by the tool round** | **{Pct(withTool, 50) - Pct(plain, 50):F2}** | |").AppendLine();

        // 3. The gateway's L0 proxy at concurrency 16, against the tool server called directly.
        async Task<(double PerSecond, List<double> Times)> LoadAsync(ModelContextProtocol.Client.McpClient client, string tool)
        {
            var times = new System.Collections.Concurrent.ConcurrentBag<double>();
            var total = _quick ? 320 : 1600;
            var next = 0;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= total)
                {
                    var started = Stopwatch.GetTimestamp();
                    await client.CallToolAsync(tool, new Dictionary<string, object?> { ["username"] = "jdupont" });
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }));
            return (total / watch.Elapsed.TotalSeconds, times.ToList());
        }

        var toServer = await LoadAsync(direct, "ad_get_user_info");
        var throughGateway = await LoadAsync(agent, "bench-ad__ad_get_user_info");
        sb.AppendLine("| L0 call, c=16 | calls/s | p50 ms | p99 ms |\n|---|---|---|---|");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| tool server directly | {toServer.PerSecond:F0} | {Pct(toServer.Times, 50):F2} | {Pct(toServer.Times, 99):F2} |\n| through WIBOT's gateway (key check, tool lookup, schema check, MCP client) | {throughGateway.PerSecond:F0} | {Pct(throughGateway.Times, 50):F2} | {Pct(throughGateway.Times, 99):F2} |\n| **added by the gateway (p50)** | | **{Pct(throughGateway.Times, 50) - Pct(toServer.Times, 50):F2}** | |").AppendLine();
        return sb.ToString();
    }

    private sealed record Question(string question, string[] expected, string root);

    private static async Task<string> RagQualityAsync(HttpClient http, string repo)
    {
        var ingest = await (await http.PostAsync(new Uri("/webhook/wibot/rag/ingest", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonElement>();
        var questions = JsonSerializer.Deserialize<List<Question>>(await File.ReadAllTextAsync(Path.Combine(repo, "bench", "rag", "questions.json")))!;
        int hit1 = 0, hit5 = 0;
        double mrr = 0;
        var misses = new List<string>();
        foreach (var q in questions)
        {
            var prefix = q.root == "rag-documents" ? "rag-documents/" : "corpus/";
            var expected = q.expected.Select(e => prefix + e).ToHashSet();
            var result = await http.GetFromJsonAsync<JsonElement>($"/webhook/wibot/rag/search?limit=10&q={Uri.EscapeDataString(q.question)}");
            var paths = result.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("path").GetString()!).ToList();
            var rank = paths.FindIndex(expected.Contains);
            if (rank == 0)
            {
                hit1++;
            }

            if (rank is >= 0 and < 5)
            {
                hit5++;
            }
            else
            {
                misses.Add($"- « {q.question} » → expected {string.Join(", ", expected)}; got {string.Join(", ", paths.Take(3))}");
            }

            if (rank >= 0)
            {
                mrr += 1.0 / (rank + 1);
            }
        }

        var n = questions.Count;
        var sb = new StringBuilder("## RAG retrieval quality (rag-documents + bench/rag/corpus)\n\n");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Indexed {ingest.GetProperty("added").GetInt32()} documents, {ingest.GetProperty("chunks").GetInt32()} chunks in {ingest.GetProperty("duration_ms").GetInt64()} ms.").AppendLine();
        sb.AppendLine("| questions | recall@1 | recall@5 | MRR@10 |\n|---|---|---|---|");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {n} | {hit1 / (double)n:F3} | {hit5 / (double)n:F3} | {mrr / n:F3} |").AppendLine();
        if (misses.Count > 0)
        {
            sb.AppendLine("Misses at 5:").AppendLine(string.Join('\n', misses)).AppendLine();
        }

        return sb.ToString();
    }

    /// <summary>10,000 generated documents (~100,000 chunks): ingestion throughput, then search latency.</summary>
    private static async Task<string> RagScaleAsync(string repo, string connectionString, string modelUrl, string baseUrl, string admin, HttpClient http)
    {
        var docs = _quick ? 1_000 : 10_000;
        var root = Path.Combine(Path.GetTempPath(), $"wibot-bench-scale-{Guid.NewGuid():N}");
        // Vocabulary and its frequencies taken from the knowledge base itself, drawn with a Zipf law,
        // so that the generated corpus has rare and common words like real documentation.
        var text = string.Join(' ', Directory.EnumerateFiles(Path.Combine(repo, "bench", "rag", "corpus"), "*.md", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(repo, "rag-documents"), "*.md", SearchOption.AllDirectories)).Select(File.ReadAllText));
        var words = WordRegex().Matches(text).Select(m => m.Value.ToLowerInvariant()).GroupBy(w => w)
            .OrderByDescending(g => g.Count()).Select(g => g.Key).ToArray();
        var weights = words.Select((_, i) => 1.0 / (i + 1)).ToArray();
        var cumulative = new double[weights.Length];
        var total = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            total += weights[i];
            cumulative[i] = total;
        }

        var rng = new Random(42);
        string Word()
        {
            var x = rng.NextDouble() * total;
            var i = Array.BinarySearch(cumulative, x);
            return words[i < 0 ? ~i : i];
        }

        for (var d = 0; d < docs; d++)
        {
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"# Document {d} {Word()} {Word()} {Word()}\n\n## Metadata\n- Type: procedure\n- Tags: {Word()}, {Word()}\n- Client: Client {d % 50}\n\n## Contenu\n");
            for (var s = 0; s < 10; s++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n### Section {s} {Word()} {Word()}\n");
                for (var w = 0; w < 120; w++)
                {
                    sb.Append(Word()).Append(w % 15 == 14 ? ".\n" : " ");
                }
            }

            var dir = Path.Combine(root, $"batch{d / 500}");
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, $"DOC_{d:D5}.md"), sb.ToString());
        }

        // A second API instance indexes the generated folder (same database, its own documents path).
        var port = FreePort();
        var scaleApi = StartApi(repo, port, connectionString, modelUrl, root, "scale-api");
        try
        {
            using var scaleHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(30) };
            await WaitReadyAsync(scaleHttp, scaleApi);
            scaleHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            var sw = Stopwatch.StartNew();
            var ingest = await (await scaleHttp.PostAsync(new Uri("/webhook/wibot/rag/ingest", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonElement>();
            var seconds = sw.Elapsed.TotalSeconds;
            var added = ingest.GetProperty("added").GetInt32();
            var chunks = ingest.GetProperty("chunks").GetInt32();
            var lua = Path.GetTempFileName();
            var questions = JsonSerializer.Deserialize<List<Question>>(await File.ReadAllTextAsync(Path.Combine(repo, "bench", "rag", "questions.json")))!;
            var luaQueries = string.Join(", ", questions.Select(q => "\"" + Uri.EscapeDataString(q.question) + "\""));
            await File.WriteAllTextAsync(lua, "local queries = { " + luaQueries + " }\n" + """
                local i = 0
                request = function()
                  i = i + 1
                  return wrk.format("GET", "/webhook/wibot/rag/search?limit=10&q=" .. queries[(i % #queries) + 1])
                end
                """);
            var sb = new StringBuilder("## RAG at scale\n\n");
            sb.AppendLine(CultureInfo.InvariantCulture, $"Ingestion of {added:N0} generated documents ({chunks:N0} chunks): {seconds:F1} s, **{added / seconds:F0} documents/s**.").AppendLine();
            sb.AppendLine("| search | c | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|");
            foreach (var c in new[] { 1, 16 })
            {
                var r = RunWrk($"http://127.0.0.1:{port}/webhook/wibot/rag/search", admin, c, lua);
                sb.AppendLine(CultureInfo.InvariantCulture, $"| GET rag/search | {c} | {r.Rps:F0} | {r.P50:F2} | {r.P99:F2} | {r.Errors} |");
            }

            File.Delete(lua);
            return sb.ToString();
        }
        finally
        {
            Stop(scaleApi);
            Directory.Delete(root, true);
        }
    }

    private sealed record WrkResult(double Rps, double P50, double P99, long Errors);

    private static WrkResult RunWrk(string url, string? token, int connections, string? script)
    {
        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-t", connections == 1 ? "1" : "2", "-c", connections.ToString(Inv), "-d", _quick ? "4s" : "8s", "--latency", "--timeout", "10s" })
        {
            info.ArgumentList.Add(a);
        }

        if (token is not null)
        {
            info.ArgumentList.Add("-H");
            info.ArgumentList.Add($"Authorization: Bearer {token}");
        }

        if (script is not null)
        {
            info.ArgumentList.Add("-s");
            info.ArgumentList.Add(script);
        }

        info.ArgumentList.Add(url);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        double Parse(Regex r) => r.Match(output) is { Success: true } m ? ToMs(m.Groups[1].Value, m.Groups[2].Value) : double.NaN;
        var rps = RpsRegex().Match(output) is { Success: true } rm ? double.Parse(rm.Groups[1].Value, Inv) : 0;
        var errors = (Non2xx().Match(output) is { Success: true } e ? long.Parse(e.Groups[1].Value, Inv) : 0)
            + SocketErrors().Matches(output).Sum(m => long.Parse(m.Groups[1].Value, Inv));
        return new WrkResult(rps, Parse(P50()), Parse(P99()), errors);
    }

    private static double ToMs(string value, string unit) => double.Parse(value, Inv) * unit switch { "us" => 0.001, "ms" => 1, "s" => 1000, _ => 60_000 };

    private static string PgBench(string connectionString, string sql, int clients)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var file = Path.GetTempFileName();
        File.WriteAllText(file, sql + "\n");
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin", "pgbench")).FirstOrDefault(File.Exists) ?? "pgbench";
        var info = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-h", b.Host!, "-p", b.Port.ToString(Inv), "-U", b.Username!, "-n", "-M", "prepared", "-c", clients.ToString(Inv), "-j", Math.Min(clients, 2).ToString(Inv), "-T", _quick ? "3" : "5", "-f", file, b.Database! })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["PGPASSWORD"] = b.Password;
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        File.Delete(file);
        return Tps().Match(output) is { Success: true } m ? double.Parse(m.Groups[1].Value, Inv).ToString("F0", Inv) : "n/a";
    }

    private static double Pct(List<double> values, int p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static long PeakRssMb(Process p)
    {
        try
        {
            var status = File.ReadAllText($"/proc/{p.Id}/status");
            var m = VmHwm().Match(status);
            return m.Success ? long.Parse(m.Groups[1].Value, Inv) / 1024 : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static void Stop(Process p)
    {
        if (!p.HasExited)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Wibot.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository.");
    }

    private static void CopyTree(string from, string to)
    {
        if (!Directory.Exists(from))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, true);
        }
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RpsRegex();

    [GeneratedRegex(@"\s50%\s+([\d.]+)(us|ms|s|m)")]
    private static partial Regex P50();

    [GeneratedRegex(@"\s99%\s+([\d.]+)(us|ms|s|m)")]
    private static partial Regex P99();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"(?:connect|read|write|timeout) (\d+)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"tps = ([\d.]+)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"\p{L}{3,}")]
    private static partial Regex WordRegex();

    [GeneratedRegex(@"VmHWM:\s+(\d+) kB")]
    private static partial Regex VmHwm();
}
