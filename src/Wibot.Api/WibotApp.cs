using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Wibot.Api.Infrastructure;
using Wibot.Application.Auth.Login;
using Wibot.Application;
using Wibot.Application.Common.Options;
using Wibot.Infrastructure;

namespace Wibot.Api;

/// <summary>The composition root: services, middleware and routes.</summary>
public static class WibotApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        ConfigureServices(builder);
        var app = builder.Build();
        ConfigurePipeline(app);
        return app;
    }

    private static void ConfigureServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        if (!builder.Environment.IsDevelopment())
        {
            // Structured logs in production: one JSON object per line, scopes included.
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = RequestLimits.DefaultBodyBytes;
        });
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        using var startupLoggerFactory = LoggerFactory.Create(l => l.AddConsole());
        services.AddInfrastructure(builder.Configuration, builder.Environment, startupLoggerFactory.CreateLogger("Wibot.Startup"));

        services.AddApplication();

        services.Configure<RateLimitOptions>(builder.Configuration.GetSection(RateLimitOptions.Section));
        services.AddSingleton<EventStreamRegistry>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>((o, limits) => ChatRateLimit.Configure(o, limits.Value));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddControllers()
            .AddJsonOptions(o => ConfigureJson(o.JsonSerializerOptions))
            .ConfigureApiBehaviorOptions(o => o.InvalidModelStateResponseFactory = ProblemDetailsDefaults.InvalidModelState);
        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.AddOptions<MvcOptions>().Configure<Microsoft.Extensions.Options.IOptions<JsonOptions>>((mvc, json) =>
        {
            // The JSON output adds the `success: true` envelope to controllers' answers (see SuccessEnvelope).
            for (var i = 0; i < mvc.OutputFormatters.Count; i++)
            {
                if (mvc.OutputFormatters[i] is Microsoft.AspNetCore.Mvc.Formatters.SystemTextJsonOutputFormatter)
                {
                    mvc.OutputFormatters[i] = new SuccessEnvelope.Formatter(json.Value.JsonSerializerOptions);
                }
            }
        });

        services.AddWibotAuthentication();
        services.AddMcpGateway();

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var cidr in builder.Configuration.GetSection("ReverseProxy:KnownNetworks").Get<string[]>() ?? [])
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(cidr));
            }
        });

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "WIBOT API",
                Version = "v1",
                Description = "Self-hosted AI assistant for WIDIP's IT support technicians.",
            });
            o.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The token returned by POST /webhook/auth/login: a JWT following RFC8725 (one algorithm, HS256, fixed on the server; issuer, audience, lifetime and signature always checked).",
            });
            o.CustomOperationIds(Infrastructure.OpenApi.ProblemResponses.OperationId);
            o.OperationFilter<Infrastructure.OpenApi.ProblemResponses>();
            o.OperationFilter<Infrastructure.OpenApi.SuccessEnvelopeResponses>();
            o.DocumentFilter<Infrastructure.OpenApi.OpenApiBounds>();
            var xml = Path.Combine(AppContext.BaseDirectory, "Wibot.Api.xml");
            if (File.Exists(xml))
            {
                o.IncludeXmlComments(xml);
            }

            o.AddSecurityRequirement(doc => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("bearer", doc)] = [],
            });
        });
    }

    /// <summary>The <c>ingest</c> verb: migrate, index the documents folder once, print the report.</summary>
    public static async Task<int> IngestAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await Wibot.Infrastructure.Persistence.DatabaseInitializer.InitializeDatabaseAsync(app.Services);
        await using var scope = app.Services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new Wibot.Application.Rag.IngestDocuments.IngestDocumentsCommand(null, null));
        var options = new JsonSerializerOptions { WriteIndented = true };
        ConfigureJson(options);
        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, options));
        return report.Errors.Count == 0 ? 0 : 1;
    }

    internal static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }

    /// <summary>Serves the built SPA (src/Wibot.Web/dist, or wwwroot when published): its files, then index.html for its own routes.</summary>
    private static void UseWebUi(WebApplication app)
    {
        var root = ResolveWebRoot(app);
        if (root is null)
        {
            return;
        }

        var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = ctx =>
            {
                ctx.Context.Response.Headers.CacheControl = ctx.Context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal)
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
            },
        });
        var index = Path.Combine(root, "index.html");
        app.MapFallback(async context =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/webhook", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                || path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase) || Path.HasExtension(path.Value))
            {
                // An unknown API route or a missing file stays a 404, never the SPA's page.
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.SendFileAsync(index);
        }).AllowAnonymous();
    }

    private static string? ResolveWebRoot(WebApplication app)
    {
        var configured = app.Configuration["Web:RootPath"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "index.html")) ? Path.GetFullPath(configured) : null;
        }

        var published = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (File.Exists(Path.Combine(published, "index.html")))
        {
            return published;
        }

        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var dist = Path.Combine(d.FullName, "src", "Wibot.Web", "dist");
            if (File.Exists(Path.Combine(dist, "index.html")))
            {
                return dist;
            }
        }

        return null;
    }

    private static void ConfigurePipeline(WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            if (!context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase))
            {
                // The SPA loads only its own scripts; styles may be inline (React style attributes).
                headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";
            }

            return next(context);
        });
        UseWebUi(app);
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/swagger/v1/swagger.json", "WIBOT API v1");
            o.RoutePrefix = "swagger";
        });

        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.Write }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.Write }).AllowAnonymous();
        app.MapControllers();
        app.MapMcp(McpGateway.Path).RequireAuthorization(Policies.ToolServer);
    }
}

internal static class RequestLimits
{
    public const long DefaultBodyBytes = 1024 * 1024;
}

internal static class HealthResponse
{
    public static Task Write(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(new { status = report.Status.ToString() });
    }
}

internal static class ClientAddress
{
    public static string? Of(HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress;
        if (ip is null)
        {
            return null;
        }

        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
    }
}
