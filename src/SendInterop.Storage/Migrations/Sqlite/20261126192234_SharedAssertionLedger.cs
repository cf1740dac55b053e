using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SharedAssertionLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "auth_used_assertion",
                columns: table => new
                {
                    client_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    jti = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    expires = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_auth_used_assertion", x => new { x.client_id, x.jti });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "auth_used_assertion");
        }
    }
}
