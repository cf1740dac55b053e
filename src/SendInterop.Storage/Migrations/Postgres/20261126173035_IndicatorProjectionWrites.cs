using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IndicatorProjectionWrites : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "writes",
                table: "ind_state",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "writes",
                table: "ind_state");
        }
    }
}
