using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Wibot.Application.Common.Behaviours;

namespace Wibot.Application;

public static class DependencyInjection
{
    /// <summary>The use cases: the mediator with its pipeline, the validators, and the services the handlers share.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddMediator(o =>
        {
            o.ServiceLifetime = ServiceLifetime.Scoped;
            o.PipelineBehaviors =
            [
                typeof(UnhandledExceptionBehaviour<,>),
                typeof(ValidationBehaviour<,>),
                typeof(PerformanceBehaviour<,>),
            ];
            o.StreamPipelineBehaviors = [typeof(StreamValidationBehaviour<,>)];
        });
        services.AddValidatorsFromAssemblyContaining(typeof(DependencyInjection), ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddScoped<Chat.ChatTurnService>();
        services.AddScoped<Chat.ModelCall>();
        services.AddScoped<Chat.ChatTools>();
        services.AddScoped<Chat.ToolCallContinuation>();
        services.AddScoped<Safeguard.SafeguardJournal>();
        services.AddSingleton<Analytics.AnalyticsCache>();
        return services;
    }
}
