using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Audit.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditSearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_log_client",
                table: "audit_log");

            migrationBuilder.DropIndex(
                name: "ix_audit_log_organisation",
                table: "audit_log");

            migrationBuilder.DropIndex(
                name: "ix_audit_log_recorded",
                table: "audit_log");

            migrationBuilder.CreateTable(
                name: "audit_index_state",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    IndexedSequence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_index_state", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "audit_search",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    Recorded = table.Column<long>(type: "bigint", nullable: false),
                    Organisation = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Client = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    BreakGlass = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_search", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_search_client",
                table: "audit_search",
                columns: new[] { "Client", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_search_organisation",
                table: "audit_search",
                columns: new[] { "Organisation", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_search_recorded",
                table: "audit_search",
                column: "Recorded");

            // Entries written before the index was separated: their patient rows exist already (the old writer
            // wrote them in the commit); copy their search columns and start the watermark after them.
            migrationBuilder.Sql("""
                INSERT INTO audit_search ("Sequence", "Recorded", "Organisation", "Client", "BreakGlass")
                SELECT "Sequence", "Recorded", "Organisation", "Client", "BreakGlass" FROM audit_log;
                INSERT INTO audit_index_state ("Id", "IndexedSequence") SELECT 1, COALESCE(MAX("Sequence"), 0) FROM audit_log;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_index_state");

            migrationBuilder.DropTable(
                name: "audit_search");

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_client",
                table: "audit_log",
                columns: new[] { "Client", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_organisation",
                table: "audit_log",
                columns: new[] { "Organisation", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_recorded",
                table: "audit_log",
                column: "Recorded");
        }
    }
}
