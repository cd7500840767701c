using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <summary>The append-only audit log also refuses TRUNCATE (the row trigger never sees it).</summary>
    [DbContext(typeof(WibotDbContext))]
    [Migration("20261202075900_AuditLogRefusesTruncate")]
    public partial class AuditLogRefusesTruncate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER audit_log_no_truncate ON audit_log;");
        }
    }
}
