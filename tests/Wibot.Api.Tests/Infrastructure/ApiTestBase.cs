using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Conversations;
using Wibot.Domain.Users;
using Wibot.Infrastructure.Persistence;

namespace Wibot.Api.Tests.Infrastructure;

[Collection(ApiCollection.Name)]
public abstract class ApiTestBase(WibotFactory factory) : IAsyncLifetime
{
    protected WibotFactory Factory { get; } = factory;

    protected HttpClient Client { get; } = WithAddress(factory.CreateClient(), NewClientAddress());

    /// <summary>The client address this test's requests come from (X-Forwarded-For, trusted from loopback).</summary>
    protected string ClientAddress => Client.DefaultRequestHeaders.GetValues("X-Forwarded-For").Single();

    protected static string NewClientAddress() =>
        $"203.0.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

    protected static HttpClient WithAddress(HttpClient client, string address)
    {
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    public virtual Task InitializeAsync()
    {
        Factory.Clock.Now = null;
        Factory.Model.Reset();
        Factory.ToolServer.Reset();
        Factory.Documents.Reset();
        Factory.Services.GetRequiredService<Wibot.Application.Analytics.AnalyticsCache>().Clear();
        return Factory.ResetDatabaseAsync();
    }

    protected async Task<TResponse> SendAsync<TResponse>(Mediator.IQuery<TResponse> query)
    {
        using var scope = Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Mediator.ISender>().Send(query);
    }

    protected async Task<TResponse> SendAsync<TResponse>(Mediator.ICommand<TResponse> command)
    {
        using var scope = Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Mediator.ISender>().Send(command);
    }

    /// <summary>Stores a conversation with messages at given times, as the chat would have.</summary>
    protected async Task<Conversation> SeedConversationAsync(int userId, string title, DateTimeOffset at, params SeedMessage[] messages)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WibotDbContext>();
        var conversation = Conversation.Start(userId, title, at);
        db.Conversations.Add(conversation);
        foreach (var m in messages)
        {
            db.Messages.Add(m.Role == MessageRole.User
                ? conversation.Ask(m.Content ?? "question", m.Mode, m.At, m.Attachments > 0 ? "file.log" : null, m.Attachments > 0 ? "text/plain" : null, m.Attachments)
                : conversation.Answer(m.Content ?? "answer", m.Mode, m.Tokens, m.Sources, m.At));
        }

        await db.SaveChangesAsync();
        return conversation;
    }

    public virtual Task DisposeAsync()
    {
        Client.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Creates a user straight in the database (the admin routes have their own tests).</summary>
    protected async Task<User> CreateUserAsync(
        string username,
        string password = "Correct-Horse-9",
        UserRole role = UserRole.User,
        AccreditationLevel level = AccreditationLevel.N1,
        bool active = true)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WibotDbContext>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher>();
        var user = User.Create(username, hasher.Hash(password), $"{username}@widip.test", role, level, DateTimeOffset.UtcNow);
        if (!active)
        {
            user.Deactivate();
        }

        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    protected async Task WithDbAsync(Func<WibotDbContext, Task> action)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WibotDbContext>();
        await action(db);
    }

    protected async Task<T> WithDbAsync<T>(Func<WibotDbContext, Task<T>> action)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WibotDbContext>();
        return await action(db);
    }

    protected async Task<string> LoginAsync(string username, string password = "Correct-Horse-9")
    {
        var response = await Client.PostAsJsonAsync("/webhook/auth/login", new { username, password });
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("token").GetString()!;
    }

    protected HttpClient ClientWithToken(string token)
    {
        var client = WithAddress(Factory.CreateClient(), ClientAddress);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    protected static async Task AssertProblemAsync(HttpResponseMessage response, int status)
    {
        ((int)response.StatusCode).Should().Be(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var body = await ReadJsonAsync(response);
        body.GetProperty("status").GetInt32().Should().Be(status);
        body.TryGetProperty("title", out _).Should().BeTrue();
        body.GetRawText().Should().NotContain("   at ", "a problem never carries a stack trace");
    }
}

public sealed record SeedMessage(MessageRole Role, ChatMode Mode, DateTimeOffset At, int Tokens = 0, int Attachments = 0, int Sources = 0, string? Content = null)
{
    public static SeedMessage Q(ChatMode mode, DateTimeOffset at, int attachments = 0) => new(MessageRole.User, mode, at, Attachments: attachments);

    public static SeedMessage A(ChatMode mode, DateTimeOffset at, int tokens, int sources = 0) => new(MessageRole.Assistant, mode, at, tokens, Sources: sources);
}
