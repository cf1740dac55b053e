using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BulkExports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "export_file",
                columns: table => new
                {
                    job_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    seq = table.Column<int>(type: "INTEGER", nullable: false),
                    resource_type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    count = table.Column<int>(type: "INTEGER", nullable: false),
                    content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    line_facts = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_export_file", x => new { x.job_id, x.seq });
                });

            migrationBuilder.CreateTable(
                name: "export_job",
                columns: table => new
                {
                    job_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    client_id = table.Column<string>(type: "TEXT", nullable: false),
                    organisation = table.Column<string>(type: "TEXT", nullable: false),
                    agency = table.Column<string>(type: "TEXT", nullable: false),
                    role = table.Column<string>(type: "TEXT", nullable: true),
                    scopes = table.Column<string>(type: "TEXT", nullable: false),
                    purpose = table.Column<string>(type: "TEXT", nullable: false),
                    patient_context = table.Column<string>(type: "TEXT", nullable: true),
                    registered = table.Column<bool>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    group_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    types = table.Column<string>(type: "TEXT", nullable: false),
                    type_filters = table.Column<string>(type: "TEXT", nullable: true),
                    patient_ids = table.Column<string>(type: "TEXT", nullable: true),
                    since_ticks = table.Column<long>(type: "INTEGER", nullable: true),
                    request_url = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    transaction_time = table.Column<long>(type: "INTEGER", nullable: false),
                    exported = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    error = table.Column<string>(type: "TEXT", nullable: true),
                    error_status = table.Column<int>(type: "INTEGER", nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_export_job", x => x.job_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_export_job_client_id",
                table: "export_job",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "IX_export_job_status_created_at",
                table: "export_job",
                columns: new[] { "status", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "export_file");

            migrationBuilder.DropTable(
                name: "export_job");
        }
    }
}
