using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RagTermFrequency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // How many chunks hold each term: very common terms are left out of large searches.
            migrationBuilder.Sql("ALTER TABLE rag_terms ADD COLUMN ndoc integer NOT NULL DEFAULT 0;");


        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE rag_terms DROP COLUMN ndoc;");


        }
    }
}
