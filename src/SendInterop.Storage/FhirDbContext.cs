using Microsoft.EntityFrameworkCore;
using SendInterop.Storage.Model;

namespace SendInterop.Storage;

/// <summary>
/// The resource store's schema. Provider-specific subclasses (<see cref="SqliteFhirDbContext"/>,
/// <see cref="PostgresFhirDbContext"/>) exist only so each provider keeps its own migrations.
/// </summary>
public abstract class FhirDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ResourceRecord> Resources => Set<ResourceRecord>();
    public DbSet<TokenIndexRow> TokenIndex => Set<TokenIndexRow>();
    public DbSet<StringIndexRow> StringIndex => Set<StringIndexRow>();
    public DbSet<DateIndexRow> DateIndex => Set<DateIndexRow>();
    public DbSet<ReferenceIndexRow> ReferenceIndex => Set<ReferenceIndexRow>();
    public DbSet<QuantityIndexRow> QuantityIndex => Set<QuantityIndexRow>();
    public DbSet<Identity.MasterLinkRow> MasterLinks => Set<Identity.MasterLinkRow>();
    public DbSet<Identity.MasterMergeRow> MasterMerges => Set<Identity.MasterMergeRow>();
    public DbSet<Indicators.CaseRowEntity> IndicatorCases => Set<Indicators.CaseRowEntity>();
    public DbSet<Indicators.PlanRowEntity> IndicatorPlans => Set<Indicators.PlanRowEntity>();
    public DbSet<Indicators.ReviewRowEntity> IndicatorReviews => Set<Indicators.ReviewRowEntity>();
    public DbSet<Indicators.OutcomeRowEntity> IndicatorOutcomes => Set<Indicators.OutcomeRowEntity>();
    public DbSet<Indicators.WaitRowEntity> IndicatorWaits => Set<Indicators.WaitRowEntity>();
    public DbSet<Indicators.ProjectionStateEntity> IndicatorState => Set<Indicators.ProjectionStateEntity>();
    public DbSet<Indicators.LeafWritesEntity> IndicatorLeafWrites => Set<Indicators.LeafWritesEntity>();
    public DbSet<Indicators.StoredTallyEntity> IndicatorTallies => Set<Indicators.StoredTallyEntity>();
    public DbSet<Indicators.StoredDecisionEntity> IndicatorDecisions => Set<Indicators.StoredDecisionEntity>();
    public DbSet<Scheduling.ScheduledRunRow> ScheduledRuns => Set<Scheduling.ScheduledRunRow>();
    public DbSet<Access.UsedAssertionRow> UsedAssertions => Set<Access.UsedAssertionRow>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<ResourceRecord>(e =>
        {
            e.ToTable("resources");
            e.HasKey(r => r.Key);
            e.Property(r => r.ResourceType).HasMaxLength(64);
            e.Property(r => r.ResourceId).HasMaxLength(64);
            e.Property(r => r.Method).HasMaxLength(8);
            e.Property(r => r.Owner).HasMaxLength(64);
            // A version number is claimed by inserting it: two racing writers cannot both get version N.
            e.HasIndex(r => new { r.ResourceType, r.ResourceId, r.VersionId }).IsUnique();
            // At most one current row per resource, enforced by the database, not by hope.
            e.HasIndex(r => new { r.ResourceType, r.ResourceId }).IsUnique().HasFilter(CurrentFilter).HasDatabaseName("ix_resources_current");
            e.HasIndex(r => new { r.ResourceType, r.LastUpdated }).HasFilter(CurrentFilter).HasDatabaseName("ix_resources_current_lastupdated");
            e.HasIndex(r => r.LastUpdated).HasDatabaseName("ix_resources_history");
            e.HasMany(r => r.Tokens).WithOne().HasForeignKey(t => t.ResourceKey).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Strings).WithOne().HasForeignKey(t => t.ResourceKey).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Dates).WithOne().HasForeignKey(t => t.ResourceKey).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.References).WithOne().HasForeignKey(t => t.ResourceKey).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Quantities).WithOne().HasForeignKey(t => t.ResourceKey).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<TokenIndexRow>(e =>
        {
            e.ToTable("search_token");
            e.Property(r => r.ResourceType).HasMaxLength(64);
            e.Property(r => r.Param).HasMaxLength(64);
            e.HasIndex(r => new { r.ResourceType, r.Param, r.Code, r.System });
            e.HasIndex(r => r.ResourceKey);
        });
        b.Entity<StringIndexRow>(e =>
        {
            e.ToTable("search_string");
            e.Property(r => r.ResourceType).HasMaxLength(64);
            e.Property(r => r.Param).HasMaxLength(64);
            e.HasIndex(r => new { r.ResourceType, r.Param, r.Value });
            e.HasIndex(r => r.ResourceKey);
        });
        b.Entity<DateIndexRow>(e =>
        {
            e.ToTable("search_date");
            e.Property(r => r.ResourceType).HasMaxLength(64);
            e.Property(r => r.Param).HasMaxLength(64);
            e.HasIndex(r => new { r.ResourceType, r.Param, r.Start, r.End });
            e.HasIndex(r => r.ResourceKey);
        });
        b.Entity<ReferenceIndexRow>(e =>
        {
            e.ToTable("search_reference");
            e.Property(r => r.ResourceType).HasMaxLength(64);
            e.Property(r => r.Param).HasMaxLength(64);
            e.Property(r => r.TargetType).HasMaxLength(64);
            e.Property(r => r.TargetId).HasMaxLength(64);
            e.HasIndex(r => new { r.ResourceType, r.Param, r.TargetType, r.TargetId });
            // _revinclude and "who points at me" look up by target first.
            e.HasIndex(r => new { r.TargetType, r.TargetId });
            e.HasIndex(r => r.ResourceKey);
        });
        b.Entity<QuantityIndexRow>(e =>
        {
            e.ToTable("search_quantity");
            e.Property(r => r.ResourceType).HasMaxLength(64);
            e.Property(r => r.Param).HasMaxLength(64);
            e.HasIndex(r => new { r.ResourceType, r.Param, r.Value });
            e.HasIndex(r => r.ResourceKey);
        });

        // The master child index (issue #4): one row per Patient, and the merges that can be undone.
        b.Entity<Identity.MasterLinkRow>(e =>
        {
            e.ToTable("master_links");
            e.HasKey(r => r.PatientId);
            e.Property(r => r.PatientId).HasMaxLength(64);
            e.Property(r => r.MasterId).HasMaxLength(64);
            e.Property(r => r.Method).HasMaxLength(32);
            e.Property(r => r.Band).HasMaxLength(16);
            e.Property(r => r.MatchedPatientId).HasMaxLength(64);
            e.Property(r => r.NhsNumber).HasMaxLength(16);
            e.Property(r => r.TraceOutcome).HasMaxLength(32);
            e.Property(r => r.TraceVerificationStatus).HasMaxLength(8);
            e.HasIndex(r => r.MasterId);
            e.HasIndex(r => r.NhsNumber);
        });
        b.Entity<Identity.MasterMergeRow>(e =>
        {
            e.ToTable("master_merges");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).HasMaxLength(64);
            e.Property(r => r.SourcePatientId).HasMaxLength(64);
            e.Property(r => r.TargetPatientId).HasMaxLength(64);
            e.Property(r => r.SourceActiveBefore).HasMaxLength(8);
            e.Property(r => r.MergedBy).HasMaxLength(128);
            e.Property(r => r.UnmergedBy).HasMaxLength(128);
            e.HasIndex(r => new { r.SourcePatientId, r.TargetPatientId });
        });

        // The indicator projection (issue #5): flat rows the indicator SQL groups over.
        Indicators.IndicatorProjectionModel.Configure(b);

        Access.UsedAssertionLedger.Configure(b);
        Subscriptions.SubscriptionCursorStore.Configure(b);
        Export.BulkExportStore.Configure(b);

        // Scheduled jobs' last completed day (the statutory sweep), so a restart does not repeat today's run.
        b.Entity<Scheduling.ScheduledRunRow>(e =>
        {
            e.ToTable("scheduled_runs");
            e.HasKey(r => r.Name);
            e.Property(r => r.Name).HasMaxLength(64).HasColumnName("name");
            e.Property(r => r.LastDay).HasColumnName("last_day");
            e.Property(r => r.CompletedAt).HasColumnName("completed_at");
        });
    }

    /// <summary>The partial-index predicate for "current version"; quoting differs by provider.</summary>
    protected abstract string CurrentFilter { get; }
}

public sealed class SqliteFhirDbContext(DbContextOptions<SqliteFhirDbContext> options) : FhirDbContext(options)
{
    protected override string CurrentFilter => "\"IsCurrent\" = 1";
}

public sealed class PostgresFhirDbContext(DbContextOptions<PostgresFhirDbContext> options) : FhirDbContext(options)
{
    protected override string CurrentFilter => "\"IsCurrent\"";
}
