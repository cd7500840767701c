using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Wibot.Infrastructure.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<WibotDbContext>
{
    public WibotDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<WibotDbContext>();
        DependencyInjection.ConfigureDbContext(options, "Host=localhost;Database=wibot_design");
        return new WibotDbContext(options.Options);
    }
}
