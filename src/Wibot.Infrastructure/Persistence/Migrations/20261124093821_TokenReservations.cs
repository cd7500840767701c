using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class TokenReservations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "reserved_tokens",
                table: "user_token_usage",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "reserved_tokens",
                table: "user_token_usage");
        }
    }
}
