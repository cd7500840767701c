using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LoginFailures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Recent login failures, shared by every instance (the throttle reads and prunes them with plain SQL).
            migrationBuilder.Sql("""
                CREATE TABLE login_failures (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    username_key text NOT NULL,
                    client_address text,
                    failed_at timestamp with time zone NOT NULL);
                CREATE INDEX ix_login_failures_username_key_failed_at ON login_failures (username_key, failed_at);
                CREATE INDEX ix_login_failures_client_address_failed_at ON login_failures (client_address, failed_at) WHERE client_address IS NOT NULL;
                CREATE INDEX ix_login_failures_failed_at ON login_failures (failed_at);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE login_failures;");
        }
    }
}
