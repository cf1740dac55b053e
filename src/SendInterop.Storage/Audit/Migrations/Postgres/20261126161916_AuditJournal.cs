using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Audit.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditJournalWatermark : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_journal",
                columns: table => new
                {
                    Segment = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Applied = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_journal", x => x.Segment);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_journal");
        }
    }
}
