using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RagTermsTrigramGist : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Typo correction asks for the nearest indexed term (ORDER BY term <-> word LIMIT 1): a GiST
            // trigram index answers that nearest-neighbour query from the index, where GIN made PostgreSQL
            // rank every candidate (80 ms for a ten-word question over 8,500 terms; 0.1 ms with GiST).
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS ix_rag_terms_trgm;
                CREATE INDEX ix_rag_terms_trgm ON rag_terms USING gist (term gist_trgm_ops);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS ix_rag_terms_trgm;
                CREATE INDEX ix_rag_terms_trgm ON rag_terms USING gin (term gin_trgm_ops);
                """);
        }
    }
}
