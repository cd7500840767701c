using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ChatToolCalls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "chat_tool_calls",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    call_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<int>(type: "integer", nullable: false),
                    server = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    tool = table.Column<string>(type: "character varying(194)", maxLength: 194, nullable: false),
                    arguments = table.Column<string>(type: "jsonb", nullable: false),
                    level = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    request_number = table.Column<long>(type: "bigint", nullable: true),
                    result = table.Column<string>(type: "character varying(8001)", maxLength: 8001, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    continued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_tool_calls", x => x.id);
                    table.ForeignKey(
                        name: "fk_chat_tool_calls_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "conversations",
                        principalColumn: "conversation_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_chat_tool_calls_conversation_id",
                table: "chat_tool_calls",
                column: "conversation_id");

            migrationBuilder.CreateIndex(
                name: "ix_chat_tool_calls_message_id",
                table: "chat_tool_calls",
                column: "message_id");

            migrationBuilder.CreateIndex(
                name: "ix_chat_tool_calls_request_number",
                table: "chat_tool_calls",
                column: "request_number",
                filter: "request_number IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "chat_tool_calls");
        }
    }
}
