using Wibot.Application.Common.Exceptions;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;
using Polly;
using Wibot.Application.Common.Options;
using Wibot.Infrastructure.Security;

namespace Wibot.Infrastructure.Llm;

/// <summary>Registers the language model behind <see cref="IChatClient"/>: Anthropic, an OpenAI-compatible server, or offline.</summary>
internal static class LlmServiceCollectionExtensions
{
    public const string HttpClientName = "wibot-llm";

    public static IServiceCollection AddLanguageModel(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<LlmOptions>(configuration.GetSection(LlmOptions.Section));
        var options = configuration.GetSection(LlmOptions.Section).Get<LlmOptions>() ?? new LlmOptions();
        var provider = ResolveProvider(options);

        // One retry layer only: Polly here, the SDKs' own retries switched off. A retried request has
        // produced no output yet (429/5xx before any byte), so nothing is billed twice; a stream that
        // has started is never retried because the handler has already returned its response.
        var r = options.Resilience;
        services.AddHttpClient(HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("llm", builder =>
            {
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(0, r.MaxRetries) == 0 ? 1 : r.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(Math.Max(1, r.BaseDelayMs)),
                    MaxDelay = TimeSpan.FromSeconds(20),
                    ShouldRetryAfterHeader = true,
                    ShouldHandle = args => ValueTask.FromResult(r.MaxRetries > 0 && args.Outcome switch
                    {
                        { Result: { } response } => response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
                            or HttpStatusCode.ServiceUnavailable or (HttpStatusCode)529,
                        { Exception: HttpRequestException } => true,
                        _ => false,
                    }),
                });
                builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.8,
                    MinimumThroughput = Math.Max(2, r.CircuitBreakerMinimumThroughput),
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(Math.Max(1, r.CircuitBreakSeconds)),
                });
                builder.AddTimeout(TimeSpan.FromSeconds(Math.Max(1, r.AttemptTimeoutSeconds)));
            });

        services.AddSingleton<IChatClient>(sp =>
        {
            IChatClient inner = provider switch
            {
                "anthropic" => CreateAnthropic(sp, options),
                "openai" => CreateOpenAi(sp, options),
                _ => new OfflineChatClient(sp.GetRequiredService<IServiceScopeFactory>()),
            };
            return new ModelFailureChatClient(inner, sp.GetRequiredService<ILogger<ModelFailureChatClient>>());
        });
        return services;
    }

    public static string ResolveProvider(LlmOptions options)
    {
        var provider = options.Provider?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(provider))
        {
            return string.IsNullOrWhiteSpace(options.Anthropic.ApiKey) ? "offline" : "anthropic";
        }

        return provider switch
        {
            "anthropic" or "openai" or "offline" => provider,
            _ => throw new StartupConfigurationException($"Llm:Provider '{options.Provider}' is unknown: use anthropic, openai or offline."),
        };
    }

    private static IChatClient CreateAnthropic(IServiceProvider sp, LlmOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Anthropic.ApiKey))
        {
            throw new StartupConfigurationException("Llm:Provider is anthropic but Llm:Anthropic:ApiKey is not set.");
        }

        var client = new AnthropicClient
        {
            ApiKey = options.Anthropic.ApiKey,
            HttpClient = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            MaxRetries = 0,
            Timeout = TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)),
        };
        if (!string.IsNullOrWhiteSpace(options.Anthropic.BaseUrl))
        {
            client = new AnthropicClient
            {
                ApiKey = options.Anthropic.ApiKey,
                BaseUrl = options.Anthropic.BaseUrl.TrimEnd('/'),
                HttpClient = client.HttpClient,
                MaxRetries = 0,
                Timeout = client.Timeout,
            };
        }

        return client.AsIChatClient(options.For("code").Model ?? "claude-sonnet-4-5", options.For("code").MaxTokens);
    }

    private static ModelNameChatClient CreateOpenAi(IServiceProvider sp, LlmOptions options)
    {
        var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        var clientOptions = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)),
        };
        if (!string.IsNullOrWhiteSpace(options.OpenAI.BaseUrl))
        {
            clientOptions.Endpoint = new Uri(options.OpenAI.BaseUrl);
        }

        var defaultModel = options.OpenAI.Model ?? "mistral-small-latest";
        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(options.OpenAI.ApiKey) ? "none" : options.OpenAI.ApiKey), clientOptions);
        return new ModelNameChatClient(client.GetChatClient(defaultModel).AsIChatClient(), defaultModel);
    }
}

/// <summary>OpenAI-compatible servers do not know Claude model names: the configured default replaces them.</summary>
internal sealed class ModelNameChatClient(IChatClient inner, string defaultModel) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Fix(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Fix(options), cancellationToken);

    private ChatOptions? Fix(ChatOptions? options)
    {
        if (options?.ModelId is { } model && model.StartsWith("claude", StringComparison.OrdinalIgnoreCase))
        {
            var copy = options.Clone();
            copy.ModelId = defaultModel;
            return copy;
        }

        return options;
    }
}
