using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SendInterop.Storage.Audit;

/// <summary>One link of the audit log as stored: the chain columns, the AuditEvent JSON, and the columns searches filter on.</summary>
public sealed class AuditLogRow
{
    /// <summary>Position in the chain, 1, 2, 3... assigned by the writer (never by the database), so a gap is a deletion.</summary>
    public long Sequence { get; set; }
    /// <summary>When the decision was made, UTC ticks.</summary>
    public long Recorded { get; set; }
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
    /// <summary>The AuditEvent JSON exactly as hashed and as served.</summary>
    public byte[] Payload { get; set; } = [];
    public string? Organisation { get; set; }
    public string? Client { get; set; }
    /// <summary>permit or deny.</summary>
    public string Decision { get; set; } = "";
    public bool BreakGlass { get; set; }
}

/// <summary>
/// The search index of an entry (what <c>AuditEvent?agent=</c>, <c>date=</c> and <c>break-glass=</c> filter on), kept
/// apart from <see cref="AuditLogRow"/> so a read request's commit appends one row to one B-tree: the index is filled
/// in bulk after the commit (<see cref="AuditIndexer"/>), never on a request's path.
/// </summary>
public sealed class AuditSearchRow
{
    public long Sequence { get; set; }
    public long Recorded { get; set; }
    public string? Organisation { get; set; }
    public string? Client { get; set; }
    public bool BreakGlass { get; set; }
}

/// <summary>How far the search index has got: every entry up to <see cref="IndexedSequence"/> is indexed (one row, Id 1).</summary>
public sealed class AuditIndexStateRow
{
    public int Id { get; set; }
    public long IndexedSequence { get; set; }
}

/// <summary>
/// How much of one journal segment (<see cref="AuditJournal"/>) is in the chain: every frame ending at or before
/// <see cref="Applied"/> (a byte offset) has been committed. Moved in the same transaction as the entries, so a restart
/// replays exactly the frames after it.
/// </summary>
public sealed class AuditJournalRow
{
    public string Segment { get; set; } = "";
    public long Applied { get; set; }
}

/// <summary>"Who has seen my record": one row per child named in an audit entry (filled by <see cref="AuditIndexer"/>).</summary>
public sealed class AuditPatientRow
{
    public long Sequence { get; set; }
    public string PatientId { get; set; } = "";
}

/// <summary>
/// The audit log's schema, kept apart from <see cref="FhirDbContext"/>: on SQLite it lives in its own database file
/// (so audit batches never wait for the resource writer's lock, and the two files can have different durability
/// settings), on PostgreSQL in the same database with its own migrations history table. EF Core owns the schema and
/// its migrations (generated with dotnet-ef like the resource store's, one folder per provider); the hot paths, the
/// writer's inserts and the reader's queries, are plain ADO.NET commands.
/// </summary>
public abstract class AuditDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>Separate from __EFMigrationsHistory, so the two contexts sharing a PostgreSQL database never see each other's migrations.</summary>
    public const string MigrationsHistoryTable = "__AuditMigrationsHistory";

    public DbSet<AuditLogRow> Log => Set<AuditLogRow>();
    public DbSet<AuditPatientRow> Patients => Set<AuditPatientRow>();
    public DbSet<AuditSearchRow> Search => Set<AuditSearchRow>();
    public DbSet<AuditIndexStateRow> IndexState => Set<AuditIndexStateRow>();
    public DbSet<AuditJournalRow> Journal => Set<AuditJournalRow>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<AuditLogRow>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(r => r.Sequence);
            e.Property(r => r.Sequence).ValueGeneratedNever();
            e.Property(r => r.PreviousHash).HasMaxLength(64);
            e.Property(r => r.Hash).HasMaxLength(64);
            e.Property(r => r.Organisation).HasMaxLength(128);
            e.Property(r => r.Client).HasMaxLength(128);
            e.Property(r => r.Decision).HasMaxLength(8);
            // No secondary index: the chain is appended on every request's path; searches use audit_search.
        });
        b.Entity<AuditSearchRow>(e =>
        {
            e.ToTable("audit_search");
            e.HasKey(r => r.Sequence);
            e.Property(r => r.Sequence).ValueGeneratedNever();
            e.Property(r => r.Organisation).HasMaxLength(128);
            e.Property(r => r.Client).HasMaxLength(128);
            e.HasIndex(r => r.Recorded).HasDatabaseName("ix_audit_search_recorded");
            // "What did organisation X (or client Y) see", newest first.
            e.HasIndex(r => new { r.Organisation, r.Sequence }).HasDatabaseName("ix_audit_search_organisation");
            e.HasIndex(r => new { r.Client, r.Sequence }).HasDatabaseName("ix_audit_search_client");
        });
        b.Entity<AuditIndexStateRow>(e =>
        {
            e.ToTable("audit_index_state");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).ValueGeneratedNever();
        });
        b.Entity<AuditJournalRow>(e =>
        {
            e.ToTable("audit_journal");
            e.HasKey(r => r.Segment);
            e.Property(r => r.Segment).HasMaxLength(32);
        });
        b.Entity<AuditPatientRow>(e =>
        {
            e.ToTable("audit_patient");
            e.HasKey(r => new { r.Sequence, r.PatientId });
            e.Property(r => r.PatientId).HasMaxLength(64);
            // "Who has seen my record", newest first: a backward walk of this index.
            e.HasIndex(r => new { r.PatientId, r.Sequence }).HasDatabaseName("ix_audit_patient_patient");
        });
    }
}

public sealed class SqliteAuditDbContext(DbContextOptions<SqliteAuditDbContext> options) : AuditDbContext(options);

public sealed class PostgresAuditDbContext(DbContextOptions<PostgresAuditDbContext> options) : AuditDbContext(options);

// Design-time factories: `dotnet tool run dotnet-ef migrations add X --project src/SendInterop.Storage
// --context SqliteAuditDbContext --output-dir Audit/Migrations/Sqlite` (PostgresAuditDbContext: Audit/Migrations/Postgres).
internal sealed class SqliteAuditDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAuditDbContext>
{
    public SqliteAuditDbContext CreateDbContext(string[] args) => (SqliteAuditDbContext)new AuditLogDatabase(StorageProvider.Sqlite, "Data Source=design-audit.db").CreateContext();
}

internal sealed class PostgresAuditDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAuditDbContext>
{
    public PostgresAuditDbContext CreateDbContext(string[] args) => (PostgresAuditDbContext)new AuditLogDatabase(StorageProvider.Postgres, "Host=127.0.0.1;Database=design").CreateContext();
}
