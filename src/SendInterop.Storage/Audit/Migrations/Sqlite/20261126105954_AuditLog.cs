using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Audit.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Recorded = table.Column<long>(type: "INTEGER", nullable: false),
                    PreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Organisation = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Client = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    BreakGlass = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_log", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "audit_patient",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    PatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_patient", x => new { x.Sequence, x.PatientId });
                });

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

            migrationBuilder.CreateIndex(
                name: "ix_audit_patient_patient",
                table: "audit_patient",
                columns: new[] { "PatientId", "Sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "audit_patient");
        }
    }
}
