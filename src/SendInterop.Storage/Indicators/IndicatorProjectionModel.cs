using System.Text;
using Microsoft.EntityFrameworkCore;

namespace SendInterop.Storage.Indicators;

/// <summary>
/// The EF Core mapping of the projection tables. Columns are snake_case so the hand-written indicator SQL
/// (<see cref="IndicatorSql"/>) needs no quoting and reads the same on SQLite and PostgreSQL.
/// </summary>
public static class IndicatorProjectionModel
{
    public const string CaseTable = "ind_case";
    public const string PlanTable = "ind_plan";
    public const string ReviewTable = "ind_review";
    public const string OutcomeTable = "ind_outcome";
    public const string WaitTable = "ind_wait";
    public const string StateTable = "ind_state";
    public const string LeafWritesTable = "ind_leaf_writes";
    public const string TallyTable = "ind_tally";
    public const string DecisionTable = "ind_decision";

    public static void Configure(ModelBuilder b)
    {
        Row<CaseRowEntity>(b, CaseTable, e =>
        {
            // Requests by receipt and by issue date: the two activity windows the request indicators count in.
            e.HasIndex(r => new { r.LaCode, r.Received }).HasDatabaseName("ix_ind_case_la_received");
            e.HasIndex(r => new { r.LaCode, r.PlanIssued }).HasDatabaseName("ix_ind_case_la_issued");
        });
        Row<PlanRowEntity>(b, PlanTable, e =>
        {
            e.Property(r => r.CeaseReason).HasMaxLength(2);
            // Caseload on a day (issued on or before it) and cessations in a period.
            e.HasIndex(r => new { r.LaCode, r.Issued }).HasDatabaseName("ix_ind_plan_la_issued");
            e.HasIndex(r => new { r.LaCode, r.Ceased }).HasDatabaseName("ix_ind_plan_la_ceased");
        });
        Row<ReviewRowEntity>(b, ReviewTable, e => e.HasIndex(r => new { r.LaCode, r.Due }).HasDatabaseName("ix_ind_review_la_due"));
        Row<OutcomeRowEntity>(b, OutcomeTable, e =>
        {
            e.Property(r => r.Achievement).HasMaxLength(32);
            e.HasIndex(r => new { r.LaCode, r.AssessedOn }).HasDatabaseName("ix_ind_outcome_la_assessed");
        });
        Row<WaitRowEntity>(b, WaitTable, e => e.HasIndex(r => new { r.LaCode, r.FirstContact }).HasDatabaseName("ix_ind_wait_la_contact"));

        b.Entity<ProjectionStateEntity>(e =>
        {
            e.ToTable(StateTable);
            e.HasKey(r => r.Name);
            e.Property(r => r.Name).HasMaxLength(32);
            e.Property(r => r.Version).HasMaxLength(64);
            SnakeCase(e);
        });
        b.Entity<LeafWritesEntity>(e =>
        {
            e.ToTable(LeafWritesTable);
            e.HasKey(r => r.Leaf);
            e.Property(r => r.Leaf).HasMaxLength(16);
            SnakeCase(e);
        });
        b.Entity<StoredTallyEntity>(e =>
        {
            e.ToTable(TallyTable);
            // A region's or England's tallies of one query are one range read.
            e.HasKey(r => new { r.QueryKey, r.Leaf });
            e.Property(r => r.QueryKey).HasMaxLength(64);
            e.Property(r => r.Leaf).HasMaxLength(16);
            SnakeCase(e);
        });
        b.Entity<StoredDecisionEntity>(e =>
        {
            e.ToTable(DecisionTable);
            e.HasKey(r => new { r.QueryKey, r.Scope });
            e.Property(r => r.QueryKey).HasMaxLength(64);
            e.Property(r => r.Scope).HasMaxLength(16);
            e.Property(r => r.CountsHash).HasMaxLength(64);
            SnakeCase(e);
        });
    }

    private static void Row<T>(ModelBuilder b, string table, Action<Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T>> more)
        where T : IndicatorRowEntity
    {
        b.Entity<T>(e =>
        {
            e.ToTable(table);
            // The child first: replacing a child's rows is a range delete on the primary key.
            e.HasKey(r => new { r.ChildId, r.RowId });
            e.Property(r => r.ChildId).HasMaxLength(64);
            e.Property(r => r.RowId).HasMaxLength(200);
            e.Property(r => r.LaCode).HasMaxLength(8);
            e.Property(r => r.Sex).HasMaxLength(16);
            e.Property(r => r.Ethnicity).HasMaxLength(16);
            e.Property(r => r.PrimaryNeed).HasMaxLength(16);
            e.Property(r => r.SettingType).HasMaxLength(32);
            more(e);
            SnakeCase(e);
        });
    }

    private static void SnakeCase<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e) where T : class
    {
        foreach (var p in e.Metadata.GetProperties()) p.SetColumnName(Snake(p.Name));
    }

    /// <summary>ChildId → child_id, BirthMonthDay → birth_month_day.</summary>
    public static string Snake(string name)
    {
        var s = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) s.Append('_');
            s.Append(char.ToLowerInvariant(name[i]));
        }

        return s.ToString();
    }
}
