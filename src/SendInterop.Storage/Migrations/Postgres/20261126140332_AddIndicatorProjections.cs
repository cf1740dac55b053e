using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SendInterop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddIndicatorProjections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ind_case",
                columns: table => new
                {
                    child_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    row_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    received = table.Column<int>(type: "integer", nullable: false),
                    decision_on = table.Column<int>(type: "integer", nullable: true),
                    decided_to_assess = table.Column<bool>(type: "boolean", nullable: true),
                    decided_not_to_issue_on = table.Column<int>(type: "integer", nullable: true),
                    plan_issued = table.Column<int>(type: "integer", nullable: true),
                    exceptions_apply = table.Column<bool>(type: "boolean", nullable: false),
                    tribunal_appeal = table.Column<bool>(type: "boolean", nullable: true),
                    la_code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    birth_day = table.Column<int>(type: "integer", nullable: true),
                    birth_year = table.Column<int>(type: "integer", nullable: true),
                    birth_month_day = table.Column<int>(type: "integer", nullable: true),
                    sex = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ethnicity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    primary_need = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    setting_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    computed_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ind_case", x => new { x.child_id, x.row_id });
                });

            migrationBuilder.CreateTable(
                name: "ind_outcome",
                columns: table => new
                {
                    child_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    row_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    achievement = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    assessed_on = table.Column<int>(type: "integer", nullable: true),
                    la_code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    birth_day = table.Column<int>(type: "integer", nullable: true),
                    birth_year = table.Column<int>(type: "integer", nullable: true),
                    birth_month_day = table.Column<int>(type: "integer", nullable: true),
                    sex = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ethnicity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    primary_need = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    setting_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    computed_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ind_outcome", x => new { x.child_id, x.row_id });
                });

            migrationBuilder.CreateTable(
                name: "ind_plan",
                columns: table => new
                {
                    child_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    row_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    issued = table.Column<int>(type: "integer", nullable: false),
                    ceased = table.Column<int>(type: "integer", nullable: true),
                    cease_reason = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    out_of_area = table.Column<bool>(type: "boolean", nullable: true),
                    personal_budget = table.Column<bool>(type: "boolean", nullable: false),
                    direct_payment = table.Column<bool>(type: "boolean", nullable: false),
                    la_code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    birth_day = table.Column<int>(type: "integer", nullable: true),
                    birth_year = table.Column<int>(type: "integer", nullable: true),
                    birth_month_day = table.Column<int>(type: "integer", nullable: true),
                    sex = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ethnicity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    primary_need = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    setting_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    computed_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ind_plan", x => new { x.child_id, x.row_id });
                });

            migrationBuilder.CreateTable(
                name: "ind_review",
                columns: table => new
                {
                    child_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    row_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    due = table.Column<int>(type: "integer", nullable: false),
                    held = table.Column<int>(type: "integer", nullable: true),
                    cancelled = table.Column<bool>(type: "boolean", nullable: false),
                    la_code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    birth_day = table.Column<int>(type: "integer", nullable: true),
                    birth_year = table.Column<int>(type: "integer", nullable: true),
                    birth_month_day = table.Column<int>(type: "integer", nullable: true),
                    sex = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ethnicity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    primary_need = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    setting_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    computed_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ind_review", x => new { x.child_id, x.row_id });
                });

            migrationBuilder.CreateTable(
                name: "ind_state",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    as_of_day = table.Column<int>(type: "integer", nullable: false),
                    rebuilt_at = table.Column<long>(type: "bigint", nullable: false),
                    children = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ind_state", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "ind_wait",
                columns: table => new
                {
                    child_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    row_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    autism_assessment = table.Column<bool>(type: "boolean", nullable: false),
                    referred = table.Column<int>(type: "integer", nullable: false),
                    first_contact = table.Column<int>(type: "integer", nullable: true),
                    la_code = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    birth_day = table.Column<int>(type: "integer", nullable: true),
                    birth_year = table.Column<int>(type: "integer", nullable: true),
                    birth_month_day = table.Column<int>(type: "integer", nullable: true),
                    sex = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ethnicity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    primary_need = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    setting_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    computed_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ind_wait", x => new { x.child_id, x.row_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_ind_case_la_issued",
                table: "ind_case",
                columns: new[] { "la_code", "plan_issued" });

            migrationBuilder.CreateIndex(
                name: "ix_ind_case_la_received",
                table: "ind_case",
                columns: new[] { "la_code", "received" });

            migrationBuilder.CreateIndex(
                name: "ix_ind_outcome_la_assessed",
                table: "ind_outcome",
                columns: new[] { "la_code", "assessed_on" });

            migrationBuilder.CreateIndex(
                name: "ix_ind_plan_la_ceased",
                table: "ind_plan",
                columns: new[] { "la_code", "ceased" });

            migrationBuilder.CreateIndex(
                name: "ix_ind_plan_la_issued",
                table: "ind_plan",
                columns: new[] { "la_code", "issued" });

            migrationBuilder.CreateIndex(
                name: "ix_ind_review_la_due",
                table: "ind_review",
                columns: new[] { "la_code", "due" });

            migrationBuilder.CreateIndex(
                name: "ix_ind_wait_la_contact",
                table: "ind_wait",
                columns: new[] { "la_code", "first_contact" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ind_case");

            migrationBuilder.DropTable(
                name: "ind_outcome");

            migrationBuilder.DropTable(
                name: "ind_plan");

            migrationBuilder.DropTable(
                name: "ind_review");

            migrationBuilder.DropTable(
                name: "ind_state");

            migrationBuilder.DropTable(
                name: "ind_wait");
        }
    }
}
