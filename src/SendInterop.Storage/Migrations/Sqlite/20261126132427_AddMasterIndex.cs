using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddMasterIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "master_links",
                columns: table => new
                {
                    PatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MasterId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Probability = table.Column<double>(type: "REAL", nullable: true),
                    Weight = table.Column<double>(type: "REAL", nullable: true),
                    Band = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    MatchedPatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Explanation = table.Column<string>(type: "TEXT", nullable: true),
                    NhsNumber = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    TraceOutcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    TraceVerificationStatus = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    PatientVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    LinkedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_master_links", x => x.PatientId);
                });

            migrationBuilder.CreateTable(
                name: "master_merges",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SourcePatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TargetPatientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SourceLinkBefore = table.Column<string>(type: "TEXT", nullable: true),
                    SourceActiveBefore = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    AddedSourceLink = table.Column<bool>(type: "INTEGER", nullable: false),
                    AddedTargetLink = table.Column<bool>(type: "INTEGER", nullable: false),
                    MergedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    MergedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    UnmergedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UnmergedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_master_merges", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_master_links_MasterId",
                table: "master_links",
                column: "MasterId");

            migrationBuilder.CreateIndex(
                name: "IX_master_links_NhsNumber",
                table: "master_links",
                column: "NhsNumber");

            migrationBuilder.CreateIndex(
                name: "IX_master_merges_SourcePatientId_TargetPatientId",
                table: "master_merges",
                columns: new[] { "SourcePatientId", "TargetPatientId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "master_links");

            migrationBuilder.DropTable(
                name: "master_merges");
        }
    }
}
