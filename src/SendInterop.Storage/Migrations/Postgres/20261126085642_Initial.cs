using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SendInterop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "resources",
                columns: table => new
                {
                    Key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResourceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VersionId = table.Column<int>(type: "integer", nullable: false),
                    IsCurrent = table.Column<bool>(type: "boolean", nullable: false),
                    IsDeleted = table.Column<bool>(type: "boolean", nullable: false),
                    LastUpdated = table.Column<long>(type: "bigint", nullable: false),
                    Method = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Json = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resources", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "search_date",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResourceKey = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Start = table.Column<long>(type: "bigint", nullable: false),
                    End = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_date", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_date_resources_ResourceKey",
                        column: x => x.ResourceKey,
                        principalTable: "resources",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_quantity",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResourceKey = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Value = table.Column<double>(type: "double precision", nullable: false),
                    System = table.Column<string>(type: "text", nullable: true),
                    Code = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_quantity", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_quantity_resources_ResourceKey",
                        column: x => x.ResourceKey,
                        principalTable: "resources",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_reference",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResourceKey = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TargetType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TargetId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_reference", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_reference_resources_ResourceKey",
                        column: x => x.ResourceKey,
                        principalTable: "resources",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_string",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResourceKey = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Value = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_string", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_string_resources_ResourceKey",
                        column: x => x.ResourceKey,
                        principalTable: "resources",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "search_token",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResourceKey = table.Column<long>(type: "bigint", nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    System = table.Column<string>(type: "text", nullable: true),
                    Code = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_token", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_token_resources_ResourceKey",
                        column: x => x.ResourceKey,
                        principalTable: "resources",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_resources_ResourceType_ResourceId_VersionId",
                table: "resources",
                columns: new[] { "ResourceType", "ResourceId", "VersionId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_resources_current",
                table: "resources",
                columns: new[] { "ResourceType", "ResourceId" },
                unique: true,
                filter: "\"IsCurrent\"");

            migrationBuilder.CreateIndex(
                name: "ix_resources_current_lastupdated",
                table: "resources",
                columns: new[] { "ResourceType", "LastUpdated" },
                filter: "\"IsCurrent\"");

            migrationBuilder.CreateIndex(
                name: "ix_resources_history",
                table: "resources",
                column: "LastUpdated");

            migrationBuilder.CreateIndex(
                name: "IX_search_date_ResourceKey",
                table: "search_date",
                column: "ResourceKey");

            migrationBuilder.CreateIndex(
                name: "IX_search_date_ResourceType_Param_Start_End",
                table: "search_date",
                columns: new[] { "ResourceType", "Param", "Start", "End" });

            migrationBuilder.CreateIndex(
                name: "IX_search_quantity_ResourceKey",
                table: "search_quantity",
                column: "ResourceKey");

            migrationBuilder.CreateIndex(
                name: "IX_search_quantity_ResourceType_Param_Value",
                table: "search_quantity",
                columns: new[] { "ResourceType", "Param", "Value" });

            migrationBuilder.CreateIndex(
                name: "IX_search_reference_ResourceKey",
                table: "search_reference",
                column: "ResourceKey");

            migrationBuilder.CreateIndex(
                name: "IX_search_reference_ResourceType_Param_TargetType_TargetId",
                table: "search_reference",
                columns: new[] { "ResourceType", "Param", "TargetType", "TargetId" });

            migrationBuilder.CreateIndex(
                name: "IX_search_reference_TargetType_TargetId",
                table: "search_reference",
                columns: new[] { "TargetType", "TargetId" });

            migrationBuilder.CreateIndex(
                name: "IX_search_string_ResourceKey",
                table: "search_string",
                column: "ResourceKey");

            migrationBuilder.CreateIndex(
                name: "IX_search_string_ResourceType_Param_Value",
                table: "search_string",
                columns: new[] { "ResourceType", "Param", "Value" });

            migrationBuilder.CreateIndex(
                name: "IX_search_token_ResourceKey",
                table: "search_token",
                column: "ResourceKey");

            migrationBuilder.CreateIndex(
                name: "IX_search_token_ResourceType_Param_Code_System",
                table: "search_token",
                columns: new[] { "ResourceType", "Param", "Code", "System" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "search_date");

            migrationBuilder.DropTable(
                name: "search_quantity");

            migrationBuilder.DropTable(
                name: "search_reference");

            migrationBuilder.DropTable(
                name: "search_string");

            migrationBuilder.DropTable(
                name: "search_token");

            migrationBuilder.DropTable(
                name: "resources");
        }
    }
}
