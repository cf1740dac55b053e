using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SubscriptionCursors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "subscription_cursor",
                columns: table => new
                {
                    subscription_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    after_key = table.Column<long>(type: "INTEGER", nullable: false),
                    subscription_version = table.Column<int>(type: "INTEGER", nullable: false),
                    generation = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscription_cursor", x => x.subscription_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "subscription_cursor");
        }
    }
}
