using System.Reflection;
using NetArchTest.Rules;

namespace Wibot.Domain.Tests.Architecture;

/// <summary>Dependencies point inwards: Domain ← Application ← Infrastructure; Api composes them.</summary>
public sealed class LayeringTests
{
    private static readonly Assembly Domain = typeof(Wibot.Domain.Users.User).Assembly;
    private static readonly Assembly Application = typeof(Wibot.Application.Auth.Login.LoginCommand).Assembly;
    private static readonly Assembly Infrastructure = typeof(Wibot.Infrastructure.DependencyInjection).Assembly;

    [Fact]
    public void Domain_DependsOnNoOtherLayerNorFramework()
    {
        var result = Types.InAssembly(Domain).ShouldNot()
            .HaveDependencyOnAny("Wibot.Application", "Wibot.Infrastructure", "Wibot.Api", "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Npgsql")
            .GetResult();

        result.IsSuccessful.Should().BeTrue(string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Domain_ReferencesOnlyTheBaseLibraryAndMediatorAbstractions()
    {
        var references = Domain.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        references.Should().OnlyContain(n => n.StartsWith("System", StringComparison.Ordinal) || n == "Mediator" || n == "netstandard");
    }

    [Fact]
    public void Application_DoesNotDependOnInfrastructureOrApi()
    {
        var result = Types.InAssembly(Application).ShouldNot()
            .HaveDependencyOnAny("Wibot.Infrastructure", "Wibot.Api", "Npgsql", "Microsoft.AspNetCore")
            .GetResult();

        result.IsSuccessful.Should().BeTrue(string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Infrastructure_DoesNotDependOnApi()
    {
        var result = Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("Wibot.Api").GetResult();

        result.IsSuccessful.Should().BeTrue(string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void ProjectReferences_PointInwards()
    {
        Application.GetReferencedAssemblies().Select(a => a.Name).Should().Contain("Wibot.Domain").And.NotContain(["Wibot.Infrastructure", "Wibot.Api"]);
        Infrastructure.GetReferencedAssemblies().Select(a => a.Name).Should().NotContain("Wibot.Api");
        Domain.GetReferencedAssemblies().Select(a => a.Name).Should().NotContain(["Wibot.Application", "Wibot.Infrastructure", "Wibot.Api"]);
    }

    [Fact]
    public void Handlers_LiveInTheApplicationLayer()
    {
        Type[] kinds =
        [
            typeof(Mediator.ICommandHandler<,>), typeof(Mediator.IQueryHandler<,>), typeof(Mediator.IRequestHandler<,>),
            typeof(Mediator.IStreamCommandHandler<,>), typeof(Mediator.IStreamQueryHandler<,>), typeof(Mediator.IStreamRequestHandler<,>),
            typeof(Mediator.INotificationHandler<>),
        ];
        var outside = Types.InAssemblies([Domain, Infrastructure, typeof(Wibot.Api.WibotApp).Assembly]).GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && kinds.Contains(i.GetGenericTypeDefinition())))
            .ToList();
        var inside = Types.InAssembly(Application).GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && kinds.Contains(i.GetGenericTypeDefinition())))
            .ToList();

        outside.Should().BeEmpty();
        inside.Should().Contain(t => t.Name == "StreamChatMessageHandler").And.Contain(t => t.Name == "GetSafeguardRequestsHandler", "query and stream handlers are checked too");
    }
}
