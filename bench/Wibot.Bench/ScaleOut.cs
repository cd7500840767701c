using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Wibot.Bench;

/// <summary>Chat by a team of technicians, and two API instances behind nginx on one PostgreSQL.</summary>
internal static partial class Program
{
    /// <summary>
    /// Chat as a team sends it: every request from one of 64 technicians in turn (the single-user
    /// figure above measures one person sending 16 or 64 messages at once, queued on one quota row).
    /// </summary>
    private static async Task<string> ChatTeamAsync(HttpClient http, string baseUrl, Process api)
    {
        var tokens = await CreateTechniciansAsync(http, "team", 64);
        var lua = Path.GetTempFileName();
        await File.WriteAllTextAsync(lua, RotatingTokensScript(tokens, "POST", "/webhook/wibot/chat", "{\"message\":\"Le spouleur est bloqué, que faire ?\",\"mode\":\"flash\"}"));
        var sb = new StringBuilder("## Chat by a team (64 technicians in turn, fake model at 0 ms, flash mode)\n\n| route | c | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|\n");
        foreach (var c in Concurrencies)
        {
            var r = RunWrk(baseUrl + "/webhook/wibot/chat", null, c, lua);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| POST chat (64 users) | {c} | {r.Rps:F0} | {r.P50:F2} | {r.P99:F2} | {r.Errors} |");
        }

        File.Delete(lua);
        sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Peak RSS after team chat: {PeakRssMb(api)} MB.");
        return sb.ToString();
    }

    /// <summary>
    /// A second instance on the same database, both behind nginx (deploy/nginx.conf with two upstream
    /// servers): read throughput through nginx with one instance and with two, Safeguard long poll and
    /// live events across instances, login throttling through the pair.
    /// </summary>
    private static async Task<string> ScaleOutAsync(string repo, string connectionString, string modelUrl, string ragRoot, int firstPort, Seed seed, string admin)
    {
        var secondPort = FreePort();
        var second = StartApi(repo, secondPort, connectionString, modelUrl, ragRoot);
        var one = StartNginx(repo, [firstPort]);
        var two = StartNginx(repo, [firstPort, secondPort]);
        var sb = new StringBuilder("## Scale-out: two API instances behind nginx, one PostgreSQL\n\n");
        try
        {
            using (var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{secondPort}") })
            {
                await WaitReadyAsync(probe, second);
            }

            sb.AppendLine("| route (through nginx) | c | 1 instance req/s | 2 instances req/s | 1 inst. p99 ms | 2 inst. p99 ms | errors |\n|---|---|---|---|---|---|---|");
            var routes = new (string Name, string Path, string Token)[]
            {
                ("GET conversations", "/webhook/wibot/conversations", seed.UserToken),
                ("GET messages/{id}", $"/webhook/wibot/messages/{seed.ConversationId}", seed.UserToken),
                ("GET user/tokens", "/webhook/wibot/user/tokens", seed.UserToken),
                ("GET safeguard/requests", "/webhook/wibot/safeguard/requests?limit=200", seed.UserToken),
            };
            foreach (var (name, path, token) in routes)
            {
                RunWrk($"http://127.0.0.1:{two.Port}{path}", token, 16, null); // warm-up: the second instance starts cold
                foreach (var c in new[] { 16, 64 })
                {
                    var a = RunWrk($"http://127.0.0.1:{one.Port}{path}", token, c, null);
                    var b = RunWrk($"http://127.0.0.1:{two.Port}{path}", token, c, null);
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {c} | {a.Rps:F0} | {b.Rps:F0} | {a.P99:F2} | {b.P99:F2} | {a.Errors + b.Errors} |");
                }
            }

            sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"API RSS: first {PeakRssMb(Process.GetProcessById(FirstApiPid))} MB, second {PeakRssMb(second)} MB. On this machine both instances, nginx, PostgreSQL and wrk share the same 2 cores, so a second instance adds no CPU: the pair is measured for correctness and overhead; its gain needs a second host.").AppendLine();

            sb.AppendLine(await CrossInstanceSafeguardAsync(firstPort, secondPort, admin));
            sb.AppendLine(await ThrottleThroughPairAsync(two.Port));
        }
        finally
        {
            Stop(two.Process);
            Stop(one.Process);
            Stop(second);
        }

        return sb.ToString();
    }

    /// <summary>The pid of the instance started by Main (set there), for its memory figure.</summary>
    private static int FirstApiPid { get; set; }

    private static async Task<string> CrossInstanceSafeguardAsync(int firstPort, int secondPort, string admin)
    {
        using var a = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{firstPort}"), Timeout = TimeSpan.FromMinutes(2) };
        using var b = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{secondPort}"), Timeout = TimeSpan.FromMinutes(2) };
        a.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        b.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var keyResponse = await a.PostAsJsonAsync("/webhook/wibot/admin/api-keys", new { name = "bench-scaleout" });
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var toolOnB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        toolOnB.DefaultRequestHeaders.Add("X-Api-Key", key);

        // Live events on instance B; requests raised and decided on instance A.
        using var events = new HttpRequestMessage(HttpMethod.Get, "/webhook/wibot/safeguard/events");
        events.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var stream = await b.SendAsync(events, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cts.Token));
        using var toolOnA = new HttpClient { BaseAddress = a.BaseAddress };
        toolOnA.DefaultRequestHeaders.Add("X-Api-Key", key);

        var pollWake = new List<double>();
        var eventLag = new List<double>();
        var rounds = _quick ? 10 : 30;
        for (var i = 0; i < rounds; i++)
        {
            var raisedAt = Stopwatch.GetTimestamp();
            var raised = await toolOnA.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "ad_reset_password", arguments = new { user = $"scale{i}" }, level = "L1", reason = "Bench scale-out", ttl_seconds = 600 });
            var id = (await raised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_id").GetString()!;
            eventLag.Add(await WaitForEventAsync(reader, id, raisedAt, cts.Token));

            var poll = toolOnB.GetAsync(new Uri($"/webhook/wibot/safeguard/requests/{id}?wait=30", UriKind.Relative));
            await Task.Delay(100);
            (await a.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id })).EnsureSuccessStatusCode();
            var decidedAt = Stopwatch.GetTimestamp();
            var answer = await (await poll).Content.ReadFromJsonAsync<JsonElement>();
            pollWake.Add(Stopwatch.GetElapsedTime(decidedAt).TotalMilliseconds);
            if (answer.GetProperty("status").GetString() != "approved")
            {
                throw new InvalidOperationException("The long poll on the second instance did not see the approval.");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"""
            Safeguard across instances ({rounds} requests raised and approved on instance A): live event on instance B, counted from the moment the request was sent to A:
            p50 {Pct(eventLag, 50):F1} ms / max {eventLag.Max():F1} ms; long poll on instance B answered p50 {Pct(pollWake, 50):F1} ms / max {pollWake.Max():F1} ms after the decision.

            """);
    }

    private static async Task<double> WaitForEventAsync(StreamReader reader, string id, long since, CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains(id, StringComparison.Ordinal))
            {
                return Stopwatch.GetElapsedTime(since).TotalMilliseconds;
            }
        }

        throw new InvalidOperationException("The event stream ended.");
    }

    /// <summary>Failed logins for one username through nginx (round robin over both instances) until 429.</summary>
    private static async Task<string> ThrottleThroughPairAsync(int nginxPort)
    {
        using var anon = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{nginxPort}") };
        var statuses = new List<int>();
        for (var i = 0; i < 14; i++)
        {
            var r = await anon.PostAsJsonAsync("/webhook/auth/login", new { username = "scaleout.victim", password = $"guess-{i}" });
            statuses.Add((int)r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests)
            {
                break;
            }
        }

        var failures = statuses.Count(s => s == 401);
        return $"Login throttling through the pair: {failures} failed attempts (401) spread over both instances, then {(statuses[^1] == 429 ? "429" : "no 429")} — the per-username limit is 10 (`Auth:MaxFailuresPerUsername`), counted in PostgreSQL for every instance.\n";
    }

    private sealed record Nginx(Process Process, int Port, string Directory);

    private static Nginx StartNginx(string repo, int[] apiPorts)
    {
        var port = FreePort();
        var dir = Directory.CreateTempSubdirectory("wibot-bench-nginx-").FullName;
        var servers = string.Join(' ', apiPorts.Select(p => $"server 127.0.0.1:{p};"));
        var site = File.ReadAllText(Path.Combine(repo, "deploy", "nginx.conf"))
            .Replace("server api:8080;", servers, StringComparison.Ordinal)
            .Replace("listen 80;", $"listen 127.0.0.1:{port};", StringComparison.Ordinal)
            .Replace("root /usr/share/nginx/html;", $"root {Path.Combine(repo, "src", "Wibot.Web", "dist")};", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "site.conf"), site);
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        File.WriteAllText(Path.Combine(dir, "nginx.conf"), $$"""
            {{(Environment.UserName == "root" ? "user root;" : string.Empty)}}
            worker_processes 1;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/logs/error.log;
            events { worker_connections 4096; }
            http {
              include /etc/nginx/mime.types;
              access_log off;
              client_body_temp_path {{dir}}/body; proxy_temp_path {{dir}}/proxy;
              fastcgi_temp_path {{dir}}/fastcgi; uwsgi_temp_path {{dir}}/uwsgi; scgi_temp_path {{dir}}/scgi;
              include {{dir}}/site.conf;
            }
            """);
        var info = new ProcessStartInfo("nginx") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-c", Path.Combine(dir, "nginx.conf"), "-p", dir, "-g", "daemon off;" })
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        for (var i = 0; i < 50 && !process.HasExited; i++)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                client.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (System.Net.Sockets.SocketException)
            {
                Thread.Sleep(100);
            }
        }

        return new Nginx(process, port, dir);
    }

    private static async Task<List<string>> CreateTechniciansAsync(HttpClient http, string prefix, int count)
    {
        var tokens = new List<string>(count);
        using var anon = new HttpClient { BaseAddress = http.BaseAddress };
        for (var i = 0; i < count; i++)
        {
            var name = $"{prefix}.tech{i:D2}";
            const string password = "Bench-Team-Pw-1";
            (await http.PostAsJsonAsync("/webhook/wibot/admin/users", new { username = name, password, email = "", role = "user", accreditation_level = "N2", quota_tokens = 1_000_000_000_000L })).EnsureSuccessStatusCode();
            tokens.Add(await LoginAsync(anon, name, password));
        }

        return tokens;
    }

    /// <summary>A wrk script sending each request with the next token of the list.</summary>
    private static string RotatingTokensScript(IReadOnlyList<string> tokens, string method, string path, string body) => $$"""
        local tokens = { {{string.Join(", ", tokens.Select(t => "\"" + t + "\""))}} }
        local i = 0
        request = function()
          i = i + 1
          return wrk.format("{{method}}", "{{path}}", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[(i % #tokens) + 1] }, '{{body}}')
        end
        """;
}
