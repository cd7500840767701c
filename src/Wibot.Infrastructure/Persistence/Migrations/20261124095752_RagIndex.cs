using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wibot.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RagIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Full-text search in French that ignores accents, typo correction with trigrams.
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS unaccent;
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'wibot_fr') THEN
                        CREATE TEXT SEARCH CONFIGURATION wibot_fr (COPY = french);
                        ALTER TEXT SEARCH CONFIGURATION wibot_fr
                            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
                    END IF;
                END
                $$;

                CREATE TABLE rag_documents (
                    document_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    path varchar(1000) NOT NULL UNIQUE,
                    name varchar(300) NOT NULL,
                    title varchar(500) NOT NULL,
                    type varchar(50) NOT NULL,
                    tags varchar(100)[] NOT NULL DEFAULT '{}',
                    client varchar(200),
                    description varchar(2000) NOT NULL DEFAULT '',
                    content_hash char(64) NOT NULL,
                    chunk_count integer NOT NULL,
                    size_bytes bigint NOT NULL,
                    indexed_at timestamptz NOT NULL
                );
                CREATE INDEX ix_rag_documents_type ON rag_documents (type);

                CREATE TABLE rag_chunks (
                    chunk_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    document_id bigint NOT NULL REFERENCES rag_documents (document_id) ON DELETE CASCADE,
                    ordinal integer NOT NULL,
                    heading varchar(1000) NOT NULL,
                    content text NOT NULL,
                    tsv tsvector NOT NULL
                );
                CREATE INDEX ix_rag_chunks_document ON rag_chunks (document_id, ordinal);
                CREATE INDEX ix_rag_chunks_tsv ON rag_chunks USING gin (tsv);

                CREATE TABLE rag_terms (term text PRIMARY KEY);
                CREATE INDEX ix_rag_terms_trgm ON rag_terms USING gin (term gin_trgm_ops);
                """);


        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS rag_terms;
                DROP TABLE IF EXISTS rag_chunks;
                DROP TABLE IF EXISTS rag_documents;
                DROP TEXT SEARCH CONFIGURATION IF EXISTS wibot_fr;
                """);


        }
    }
}
