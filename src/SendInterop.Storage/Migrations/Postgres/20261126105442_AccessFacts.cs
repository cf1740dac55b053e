using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AccessFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Access",
                table: "resources",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Owner",
                table: "resources",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Access",
                table: "resources");

            migrationBuilder.DropColumn(
                name: "Owner",
                table: "resources");
        }
    }
}
