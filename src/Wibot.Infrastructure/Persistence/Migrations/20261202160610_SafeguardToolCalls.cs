using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SafeguardToolCalls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "arguments_sha256",
                table: "safeguard_requests",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "conversation_id",
                table: "safeguard_requests",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "execution_finished_at",
                table: "safeguard_requests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "execution_result",
                table: "safeguard_requests",
                type: "character varying(8001)",
                maxLength: 8001,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "execution_started_at",
                table: "safeguard_requests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "execution_status",
                table: "safeguard_requests",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "origin",
                table: "safeguard_requests",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "api");

            migrationBuilder.AddColumn<string>(
                name: "server",
                table: "safeguard_requests",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "server_id",
                table: "safeguard_requests",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_safeguard_requests_awaiting_execution",
                table: "safeguard_requests",
                column: "request_number",
                filter: "status = 'approved' AND server_id IS NOT NULL AND execution_status IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_safeguard_requests_awaiting_execution",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "arguments_sha256",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "conversation_id",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "execution_finished_at",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "execution_result",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "execution_started_at",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "execution_status",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "origin",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "server",
                table: "safeguard_requests");

            migrationBuilder.DropColumn(
                name: "server_id",
                table: "safeguard_requests");
        }
    }
}
