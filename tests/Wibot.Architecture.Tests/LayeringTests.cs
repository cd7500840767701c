using System.Reflection;
using NetArchTest.Rules;

namespace Wibot.Architecture.Tests;

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
    public void Application_SpeaksNoSql_ItsPortsDo()
    {
        var result = Types.InAssembly(Application).ShouldNot()
            .HaveDependencyOnAny(
                "Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade",
                "Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions",
                "Microsoft.EntityFrameworkCore.RelationalQueryableExtensions",
                "Microsoft.EntityFrameworkCore.Storage",
                "System.Data.Common",
                "Npgsql")
            .GetResult();

        result.IsSuccessful.Should().BeTrue(string.Join(", ", result.FailingTypeNames ?? []));
        Application.GetReferencedAssemblies().Select(a => a.Name).Should().NotContain(["Microsoft.EntityFrameworkCore.Relational", "Npgsql", "Npgsql.EntityFrameworkCore.PostgreSQL"]);
    }

    [Fact]
    public void Application_HoldsNoSqlText()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Wibot.sln")))
        {
            root = root.Parent;
        }

        root.Should().NotBeNull("the tests run inside the repository");
        var sources = Directory.EnumerateFiles(Path.Combine(root!.FullName, "src", "Wibot.Application"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        // SQL keywords in upper case, or a PostgreSQL function call, anywhere but in comments (raw string literals span lines).
        var sql = new System.Text.RegularExpressions.Regex(@"\b(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|pg_[a-z_]+\()");
        static string Code(string file) => string.Join('\n', File.ReadLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));

        sources.Should().NotBeEmpty();
        sources.Where(f => sql.IsMatch(Code(f))).Select(Path.GetFileName).Should().BeEmpty("SQL lives in Infrastructure, behind a port");
    }

    [Fact]
    public void Infrastructure_DoesNotDependOnApi()
    {
        var result = Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("Wibot.Api").GetResult();

        result.IsSuccessful.Should().BeTrue(string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Api_ReachesInfrastructureOnlyInTheCompositionRoot()
    {
        // Program and WibotApp compose the layers; controllers, authentication, the problem mapping
        // and the OpenAPI filters speak Application's ports and types only.
        var result = Types.InAssembly(typeof(Wibot.Api.WibotApp).Assembly)
            .That().DoNotHaveName("WibotApp", "Program")
            .ShouldNot().HaveDependencyOnAny("Wibot.Infrastructure", "Npgsql", "Microsoft.EntityFrameworkCore")
            .GetResult();

        result.IsSuccessful.Should().BeTrue(string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void AuthenticationSchemes_AreConfiguredByTheApi()
    {
        Infrastructure.GetReferencedAssemblies().Select(a => a.Name)
            .Should().NotContain(["Microsoft.AspNetCore.Authentication.JwtBearer", "Microsoft.AspNetCore.Authentication"], "the bearer and API-key schemes live together in Api");
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
