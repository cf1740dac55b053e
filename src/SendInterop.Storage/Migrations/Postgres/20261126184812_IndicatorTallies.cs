using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IndicatorTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ind_leaf_writes",
                columns: table => new
                {
                    leaf = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    writes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ind_leaf_writes", x => x.leaf);
                });

            migrationBuilder.CreateTable(
                name: "ind_tally",
                columns: table => new
                {
                    query_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    leaf = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    writes = table.Column<long>(type: "bigint", nullable: false),
                    counted_at = table.Column<long>(type: "bigint", nullable: false),
                    payload = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ind_tally", x => new { x.query_key, x.leaf });
                });

            // Rows already projected get their leaves' counters, so the first report counts them and stores the tallies.
            // Written out, not LeafVersions.BumpEverySql: a migration must not change when the code does.
            migrationBuilder.Sql("INSERT INTO ind_leaf_writes (leaf, writes) SELECT leaf, 1 FROM (SELECT DISTINCT COALESCE(la_code, 'unknown') AS leaf FROM ind_case UNION SELECT DISTINCT COALESCE(la_code, 'unknown') AS leaf FROM ind_plan UNION SELECT DISTINCT COALESCE(la_code, 'unknown') AS leaf FROM ind_review UNION SELECT DISTINCT COALESCE(la_code, 'unknown') AS leaf FROM ind_outcome UNION SELECT DISTINCT COALESCE(la_code, 'unknown') AS leaf FROM ind_wait) AS leaves WHERE 1 = 1 ON CONFLICT (leaf) DO NOTHING");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ind_leaf_writes");

            migrationBuilder.DropTable(
                name: "ind_tally");
        }
    }
}
