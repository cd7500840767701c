using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <summary>Login attempts are recorded before the password is checked; refused ones apart (never counted as failures).</summary>
    [DbContext(typeof(WibotDbContext))]
    [Migration("20261202072600_LoginAttemptsCountedFirst")]
    public partial class LoginAttemptsCountedFirst : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE login_failures ADD COLUMN throttled boolean NOT NULL DEFAULT false;
                CREATE INDEX ix_login_failures_username_key_client_address ON login_failures (username_key, client_address, failed_at);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_login_failures_username_key_client_address;
                ALTER TABLE login_failures DROP COLUMN throttled;
                """);
        }
    }
}
