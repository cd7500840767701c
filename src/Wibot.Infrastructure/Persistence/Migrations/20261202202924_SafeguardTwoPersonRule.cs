using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SafeguardTwoPersonRule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "approvals",
                table: "safeguard_requests",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<int>(
                name: "approvals_required",
                table: "safeguard_requests",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "context",
                table: "safeguard_requests",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "level_raised_from",
                table: "safeguard_requests",
                type: "character varying(2)",
                maxLength: 2,
                nullable: true);

            // Requests approved before the two-person rule keep their one approval in the new list.
            migrationBuilder.Sql("""
                UPDATE safeguard_requests
                SET approvals = jsonb_build_array(jsonb_build_object('by_id', decided_by_id, 'by', decided_by, 'at', decided_at, 'comment', comment))
                WHERE status = 'approved' AND decided_by_id IS NOT NULL AND decided_at IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "approvals",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "approvals_required",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "context",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "level_raised_from",
                table: "safeguard_requests");
        }
    }
}
