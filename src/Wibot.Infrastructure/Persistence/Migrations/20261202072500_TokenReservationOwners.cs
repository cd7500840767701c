using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Each token reservation is a row owned by the instance that made it, with an expiry: a restart of
    /// one instance no longer frees the reservations of the others (user_token_usage.reserved_tokens
    /// stays their sum, kept by the same statements).
    /// </summary>
    [DbContext(typeof(WibotDbContext))]
    [Migration("20261202072500_TokenReservationOwners")]
    public partial class TokenReservationOwners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE token_reservations (
                    reservation_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    usage_id bigint NOT NULL REFERENCES user_token_usage (usage_id) ON DELETE CASCADE,
                    amount bigint NOT NULL CHECK (amount >= 0),
                    instance_id uuid NOT NULL,
                    expires_at timestamp with time zone NOT NULL);
                CREATE INDEX ix_token_reservations_expires_at ON token_reservations (expires_at);
                CREATE INDEX ix_token_reservations_usage_id ON token_reservations (usage_id);
                UPDATE user_token_usage SET reserved_tokens = 0 WHERE reserved_tokens <> 0;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE token_reservations;");
        }
    }
}
