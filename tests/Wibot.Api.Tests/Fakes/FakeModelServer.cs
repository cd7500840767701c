using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Wibot.Api.Tests.Fakes;

/// <summary>What the fake model does with the next request.</summary>
public abstract record FakeBehavior
{
    /// <summary>Answer with text split into chunks (streamed as deltas), reporting this usage.</summary>
    public sealed record Reply(string Text, int InputTokens, int OutputTokens, int Chunks = 4, int ChunkDelayMs = 0) : FakeBehavior;

    /// <summary>Answer with an API error (429 rate_limit_error, 529 overloaded_error, 500 api_error…).</summary>
    public sealed record Fail(int Status, int? RetryAfterSeconds = null) : FakeBehavior;

    /// <summary>Answer 200 with a body that is not the protocol.</summary>
    public sealed record Garbage : FakeBehavior;

    /// <summary>Wait before answering (to exceed the client's timeout).</summary>
    public sealed record Hang(int Milliseconds) : FakeBehavior;

    /// <summary>Stream some deltas, then keep the connection open without sending more.</summary>
    public sealed record StreamThenStall(string Text, int InputTokens) : FakeBehavior;

    /// <summary>
    /// Ask to call a tool (Anthropic: a <c>tool_use</c> block and <c>stop_reason: "tool_use"</c>, streamed as
    /// <c>input_json_delta</c>; OpenAI: <c>tool_calls</c> and <c>finish_reason: "tool_calls"</c>), after an optional text.
    /// </summary>
    public sealed record UseTool(string Tool, object Input, string? Text, int InputTokens, int OutputTokens) : FakeBehavior;
}

/// <summary>A request as the fake received it (tool results appear in <see cref="Messages"/> as <c>tool_result: …</c>).</summary>
public sealed record FakeRequest(string Protocol, string Model, int? MaxTokens, string System, IReadOnlyList<(string Role, string Content)> Messages, bool Stream, int InputTokens, int OutputTokens)
{
    /// <summary>The names of the tools offered to the model.</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];
}

/// <summary>
/// A local stand-in for Claude and for OpenAI-compatible servers, speaking their real wire protocols
/// (Anthropic Messages API and OpenAI chat completions, JSON and SSE streaming, errors with
/// retry-after), so the real SDKs are exercised end to end.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeBehavior> _script = new();
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private WebApplication? _app;
    private int _attempts;

    public string BaseUrl { get; private set; } = string.Empty;

    public IReadOnlyList<FakeRequest> Requests => _requests.ToArray();

    /// <summary>Every HTTP call received, retries included.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public void Enqueue(params FakeBehavior[] behaviors)
    {
        foreach (var b in behaviors)
        {
            _script.Enqueue(b);
        }
    }

    public void Reset()
    {
        _script.Clear();
        _requests.Clear();
        Interlocked.Exchange(ref _attempts, 0);
    }

    /// <summary>What <c>GET /_fake/tool-calls</c> answers (the calls a tool server hosted beside this fake received).</summary>
    public Func<object[]>? ToolCalls { get; set; }

    /// <summary>The answer when nothing is scripted: model name and the last user line (first 40 characters).</summary>
    public Func<string, string, int, FakeBehavior>? DefaultReply { get; init; }

    /// <summary>
    /// Starts on loopback (port 0: a free one). With <paramref name="control"/>, <c>POST /_fake/enqueue</c>
    /// takes a JSON array of behaviours (<c>{"fail":503}</c>, <c>{"reply":"…"}</c>, <c>{"tool":"server__tool","input":{…}}</c>…) for processes that drive it from outside.
    /// </summary>
    public async Task StartAsync(int port = 0, bool control = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        _app = builder.Build();
        _app.MapPost("/v1/messages", ctx => HandleAsync(ctx, anthropic: true));
        _app.MapPost("/v1/chat/completions", ctx => HandleAsync(ctx, anthropic: false));
        if (control)
        {
            _app.MapPost("/_fake/enqueue", EnqueueFromJsonAsync);
            _app.MapPost("/_fake/reset", () => Reset());
            _app.MapGet("/_fake/tool-calls", () => Results.Json(ToolCalls?.Invoke() ?? []));
        }

        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>Completes when the host is told to stop (SIGTERM, Ctrl+C).</summary>
    public Task WaitForShutdownAsync() => _app?.WaitForShutdownAsync() ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext ctx, bool anthropic)
    {
        Interlocked.Increment(ref _attempts);
        var body = await JsonNode.ParseAsync(ctx.Request.Body) ?? new JsonObject();
        var behavior = _script.TryDequeue(out var b) ? b : null;
        var messages = ReadMessages(body, anthropic, out var system);
        var stream = body["stream"]?.GetValue<bool>() == true;
        var model = body["model"]?.GetValue<string>() ?? "unknown";
        behavior ??= DefaultReply?.Invoke(model, Last(messages), messages.Count)
            ?? new FakeBehavior.Reply($"Réponse de test à « {Last(messages)} ».", 90 + (10 * messages.Count), 12);

        switch (behavior)
        {
            case FakeBehavior.Fail e:
                await WriteErrorAsync(ctx, e, anthropic);
                return;
            case FakeBehavior.Garbage:
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = stream ? "text/event-stream" : "application/json";
                await ctx.Response.WriteAsync(stream ? "event: nonsense\ndata: {not json\n\n" : "<html>proxy error</html>");
                return;
            case FakeBehavior.Hang h:
                await Task.Delay(h.Milliseconds, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                if (ctx.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                behavior = new FakeBehavior.Reply("trop tard", 10, 2);
                break;
        }

        var maxTokens = anthropic ? body["max_tokens"]?.GetValue<int>() : (body["max_completion_tokens"] ?? body["max_tokens"])?.GetValue<int>();
        if (behavior is FakeBehavior.StreamThenStall stall)
        {
            _requests.Enqueue(new FakeRequest(anthropic ? "anthropic" : "openai", model, maxTokens, system, messages, stream, stall.InputTokens, 0));
            await StreamAsync(ctx, anthropic, model, Split(stall.Text, 2), stall.InputTokens, 0, 0, stallAtEnd: true);
            return;
        }

        var offered = (body["tools"]?.AsArray() ?? []).Select(t => (anthropic ? t?["name"] : t?["function"]?["name"])?.GetValue<string>() ?? "?").ToList();
        if (behavior is FakeBehavior.UseTool use)
        {
            _requests.Enqueue(new FakeRequest(anthropic ? "anthropic" : "openai", model, maxTokens, system, messages, stream, use.InputTokens, use.OutputTokens) { Tools = offered });
            await WriteToolUseAsync(ctx, anthropic, stream, model, use);
            return;
        }

        var reply = (FakeBehavior.Reply)behavior;
        _requests.Enqueue(new FakeRequest(anthropic ? "anthropic" : "openai", model, maxTokens, system, messages, stream, reply.InputTokens, reply.OutputTokens) { Tools = offered });
        if (stream)
        {
            await StreamAsync(ctx, anthropic, model, Split(reply.Text, reply.Chunks), reply.InputTokens, reply.OutputTokens, reply.ChunkDelayMs, stallAtEnd: false);
            return;
        }

        ctx.Response.ContentType = "application/json";
        object payload = anthropic
            ? new
            {
                id = "msg_" + Guid.NewGuid().ToString("N"),
                type = "message",
                role = "assistant",
                model,
                content = new[] { new { type = "text", text = reply.Text } },
                stop_reason = "end_turn",
                stop_sequence = (string?)null,
                usage = new { input_tokens = reply.InputTokens, output_tokens = reply.OutputTokens },
            }
            : new
            {
                id = "chatcmpl-" + Guid.NewGuid().ToString("N"),
                @object = "chat.completion",
                created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = reply.Text }, finish_reason = "stop" } },
                usage = new { prompt_tokens = reply.InputTokens, completion_tokens = reply.OutputTokens, total_tokens = reply.InputTokens + reply.OutputTokens },
            };
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(payload));
    }

    private async Task EnqueueFromJsonAsync(HttpContext ctx)
    {
        var items = await JsonNode.ParseAsync(ctx.Request.Body) as JsonArray ?? [];
        foreach (var item in items)
        {
            FakeBehavior behavior = item switch
            {
                _ when item?["fail"] is { } status => new FakeBehavior.Fail(status.GetValue<int>(), item["retry_after"]?.GetValue<int>()),
                _ when item?["hang_ms"] is { } ms => new FakeBehavior.Hang(ms.GetValue<int>()),
                _ when item?["garbage"] is not null => new FakeBehavior.Garbage(),
                _ when item?["tool"] is { } tool => new FakeBehavior.UseTool(
                    tool.GetValue<string>(),
                    item["input"]?.DeepClone() ?? new JsonObject(),
                    item["text"]?.GetValue<string>(),
                    item["input_tokens"]?.GetValue<int>() ?? 100,
                    item["output_tokens"]?.GetValue<int>() ?? 20),
                _ => new FakeBehavior.Reply(
                    item?["reply"]?.GetValue<string>() ?? "ok",
                    item?["input_tokens"]?.GetValue<int>() ?? 100,
                    item?["output_tokens"]?.GetValue<int>() ?? 20,
                    item?["chunks"]?.GetValue<int>() ?? 4,
                    item?["chunk_delay_ms"]?.GetValue<int>() ?? 0),
            };
            Enqueue(behavior);
        }

        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task StreamAsync(HttpContext ctx, bool anthropic, string model, IReadOnlyList<string> chunks, int input, int output, int delayMs, bool stallAtEnd)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        var id = Guid.NewGuid().ToString("N");
        async Task Send(string? evt, object data)
        {
            var json = JsonSerializer.Serialize(data);
            await ctx.Response.WriteAsync(evt is null ? $"data: {json}\n\n" : $"event: {evt}\ndata: {json}\n\n");
            await ctx.Response.Body.FlushAsync();
        }

        if (anthropic)
        {
            await Send("message_start", new { type = "message_start", message = new { id = "msg_" + id, type = "message", role = "assistant", model, content = Array.Empty<object>(), stop_reason = (string?)null, stop_sequence = (string?)null, usage = new { input_tokens = input, output_tokens = 1 } } });
            await Send("content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "text", text = string.Empty } });
            await Send("ping", new { type = "ping" });
        }

        foreach (var chunk in chunks)
        {
            if (delayMs > 0)
            {
                await Task.Delay(delayMs);
            }

            if (anthropic)
            {
                await Send("content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = chunk } });
            }
            else
            {
                await Send(null, new { id = "chatcmpl-" + id, @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = new { role = "assistant", content = chunk }, finish_reason = (string?)null } } });
            }
        }

        if (stallAtEnd)
        {
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        if (anthropic)
        {
            await Send("content_block_stop", new { type = "content_block_stop", index = 0 });
            await Send("message_delta", new { type = "message_delta", delta = new { stop_reason = "end_turn", stop_sequence = (string?)null }, usage = new { output_tokens = output } });
            await Send("message_stop", new { type = "message_stop" });
        }
        else
        {
            await Send(null, new { id = "chatcmpl-" + id, @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = new { role = (string?)null, content = (string?)null }, finish_reason = "stop" } } });
            await Send(null, new { id = "chatcmpl-" + id, @object = "chat.completion.chunk", created = 1, model, choices = Array.Empty<object>(), usage = new { prompt_tokens = input, completion_tokens = output, total_tokens = input + output } });
            await ctx.Response.WriteAsync("data: [DONE]\n\n");
        }
    }

    private static async Task WriteToolUseAsync(HttpContext ctx, bool anthropic, bool stream, string model, FakeBehavior.UseTool use)
    {
        var callId = (anthropic ? "toolu_" : "call_") + Guid.NewGuid().ToString("N")[..20];
        var input = JsonSerializer.Serialize(use.Input);
        if (!stream)
        {
            ctx.Response.ContentType = "application/json";
            var blocks = new List<object>();
            if (use.Text is not null)
            {
                blocks.Add(new { type = "text", text = use.Text });
            }

            blocks.Add(new { type = "tool_use", id = callId, name = use.Tool, input = use.Input });
            object payload = anthropic
                ? new
                {
                    id = "msg_" + Guid.NewGuid().ToString("N"),
                    type = "message",
                    role = "assistant",
                    model,
                    content = blocks,
                    stop_reason = "tool_use",
                    stop_sequence = (string?)null,
                    usage = new { input_tokens = use.InputTokens, output_tokens = use.OutputTokens },
                }
                : new
                {
                    id = "chatcmpl-" + Guid.NewGuid().ToString("N"),
                    @object = "chat.completion",
                    created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                    model,
                    choices = new[]
                    {
                        new
                        {
                            index = 0,
                            message = new { role = "assistant", content = use.Text, tool_calls = new[] { new { id = callId, type = "function", function = new { name = use.Tool, arguments = input } } } },
                            finish_reason = "tool_calls",
                        },
                    },
                    usage = new { prompt_tokens = use.InputTokens, completion_tokens = use.OutputTokens, total_tokens = use.InputTokens + use.OutputTokens },
                };
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(payload));
            return;
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        async Task Send(string? evt, object data)
        {
            var json = JsonSerializer.Serialize(data);
            await ctx.Response.WriteAsync(evt is null ? $"data: {json}\n\n" : $"event: {evt}\ndata: {json}\n\n");
            await ctx.Response.Body.FlushAsync();
        }

        var id = Guid.NewGuid().ToString("N");
        var half = input.Length / 2;
        if (anthropic)
        {
            await Send("message_start", new { type = "message_start", message = new { id = "msg_" + id, type = "message", role = "assistant", model, content = Array.Empty<object>(), stop_reason = (string?)null, stop_sequence = (string?)null, usage = new { input_tokens = use.InputTokens, output_tokens = 1 } } });
            var index = 0;
            if (use.Text is not null)
            {
                await Send("content_block_start", new { type = "content_block_start", index, content_block = new { type = "text", text = string.Empty } });
                await Send("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "text_delta", text = use.Text } });
                await Send("content_block_stop", new { type = "content_block_stop", index });
                index++;
            }

            await Send("content_block_start", new { type = "content_block_start", index, content_block = new { type = "tool_use", id = callId, name = use.Tool, input = new { } } });
            await Send("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "input_json_delta", partial_json = input[..half] } });
            await Send("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "input_json_delta", partial_json = input[half..] } });
            await Send("content_block_stop", new { type = "content_block_stop", index });
            await Send("message_delta", new { type = "message_delta", delta = new { stop_reason = "tool_use", stop_sequence = (string?)null }, usage = new { output_tokens = use.OutputTokens } });
            await Send("message_stop", new { type = "message_stop" });
            return;
        }

        if (use.Text is not null)
        {
            await Send(null, new { id = "chatcmpl-" + id, @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = new { role = "assistant", content = use.Text }, finish_reason = (string?)null } } });
        }

        await Send(null, new { id = "chatcmpl-" + id, @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = new { tool_calls = new[] { new { index = 0, id = callId, type = "function", function = new { name = use.Tool, arguments = input[..half] } } } }, finish_reason = (string?)null } } });
        await Send(null, new { id = "chatcmpl-" + id, @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = new { tool_calls = new[] { new { index = 0, function = new { arguments = input[half..] } } } }, finish_reason = (string?)null } } });
        await Send(null, new { id = "chatcmpl-" + id, @object = "chat.completion.chunk", created = 1, model, choices = new[] { new { index = 0, delta = new { }, finish_reason = "tool_calls" } } });
        await Send(null, new { id = "chatcmpl-" + id, @object = "chat.completion.chunk", created = 1, model, choices = Array.Empty<object>(), usage = new { prompt_tokens = use.InputTokens, completion_tokens = use.OutputTokens, total_tokens = use.InputTokens + use.OutputTokens } });
        await ctx.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static async Task WriteErrorAsync(HttpContext ctx, FakeBehavior.Fail e, bool anthropic)
    {
        ctx.Response.StatusCode = e.Status;
        ctx.Response.ContentType = "application/json";
        if (e.RetryAfterSeconds is { } s)
        {
            ctx.Response.Headers["retry-after"] = s.ToString(CultureInfo.InvariantCulture);
        }

        var type = e.Status switch { 429 => "rate_limit_error", 529 => "overloaded_error", 400 => "invalid_request_error", 401 => "authentication_error", _ => "api_error" };
        object payload = anthropic
            ? new { type = "error", error = new { type, message = $"fake {type}" } }
            : new { error = new { message = $"fake {type}", type, code = (string?)null } };
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(payload));
    }

    private static List<(string Role, string Content)> ReadMessages(JsonNode body, bool anthropic, out string system)
    {
        var list = new List<(string, string)>();
        system = string.Empty;
        if (anthropic)
        {
            system = body["system"] switch
            {
                JsonValue v => v.GetValue<string>(),
                JsonArray a => string.Join("\n", a.Select(x => x?["text"]?.GetValue<string>())),
                _ => string.Empty,
            };
        }

        foreach (var m in body["messages"]?.AsArray() ?? [])
        {
            var role = m?["role"]?.GetValue<string>() ?? "?";
            var content = m?["content"] switch
            {
                JsonValue v => v.GetValue<string>(),
                JsonArray a => string.Join("\n", a.Select(x => x?["type"]?.GetValue<string>() switch
                {
                    "tool_result" => "tool_result: " + (x["content"] is JsonArray parts ? string.Join(" ", parts.Select(p => p?["text"]?.GetValue<string>())) : x["content"]?.ToString()),
                    "tool_use" => "tool_use: " + x["name"]?.GetValue<string>(),
                    _ => x?["text"]?.GetValue<string>(),
                })),
                _ => string.Empty,
            };
            if (!anthropic && role == "tool")
            {
                content = "tool_result: " + content;
            }

            if (!anthropic && role is "system" or "developer")
            {
                system += content;
                continue;
            }

            list.Add((role, content));
        }

        return list;
    }

    private static string Last(List<(string Role, string Content)> messages)
    {
        var text = messages.Count == 0 ? string.Empty : messages[^1].Content;
        var line = text.Split('\n')[0];
        return line.Length > 40 ? line[..40] : line;
    }

    private static List<string> Split(string text, int chunks)
    {
        chunks = Math.Max(1, Math.Min(chunks, text.Length));
        var size = (int)Math.Ceiling(text.Length / (double)chunks);
        var parts = new List<string>();
        for (var i = 0; i < text.Length; i += size)
        {
            parts.Add(text.Substring(i, Math.Min(size, text.Length - i)));
        }

        return parts;
    }
}
