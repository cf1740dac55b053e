using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Tests.Audit;

/// <summary>The audit trail as the gateway registers it (IAuditSink, IAuditLogReader), on SQLite and PostgreSQL.</summary>
public abstract class AuditTrailTests(GatewayFixture gateway)
{
    private IAuditLogReader Reader => gateway.Services.GetRequiredService<IAuditLogReader>();
    private AuditLogDatabase Database => gateway.Services.GetRequiredService<AuditLogDatabase>();

    [Fact]
    public async Task Concurrent_writes_get_gapless_sequences_a_verifying_chain_and_complete_only_once_committed()
    {
        // WriteAsync completes at the commit in both acknowledgement modes (AppendAsync, with the gateway's default
        // journal, completes earlier, once the frame is written: AuditJournalTests covers that guarantee).
        var writer = gateway.Services.GetRequiredService<AuditLogWriter>();
        const int n = 1000;
        var run = Guid.NewGuid().ToString("N")[..8];
        var before = (await Reader.VerifyAsync()).Head?.Sequence ?? 0;
        var notVisible = 0;

        // 25 appenders at a time, each checking its record from a fresh connection the moment its append completes
        // (25, not 1000: each check opens a real, unpooled connection, and PostgreSQL has a connection limit).
        const int appenders = 25;
        await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
        {
            for (var i = a; i < n; i += appenders)
            {
                var client = $"conc-{run}-{i}";
                await writer.WriteAsync(AuditRecords.Record(client: client, children: [$"child-{i % 7}"]));
                // Completed: the row must already be readable by anyone else, outside every connection pool.
                await using var c = AuditStack.FreshConnection(Database);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = """SELECT count(*) FROM audit_log WHERE "Client" = @c""";
                var p = cmd.CreateParameter();
                p.ParameterName = "@c";
                p.Value = client;
                cmd.Parameters.Add(p);
                if (Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) != 1) Interlocked.Increment(ref notVisible);
            }
        })));

        Assert.Equal(0, notVisible);
        var page = await Reader.SearchAsync(new AuditLogQuery(Count: AuditLogQuery.MaxCount));
        var mine = page.Entries.Where(e => e.ClientId!.StartsWith($"conc-{run}-", StringComparison.Ordinal)).Select(e => e.Sequence).Order().ToList();
        Assert.Equal(Enumerable.Range(1, n).Select(i => before + i), mine);
        var result = await Reader.VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
        Assert.Equal(before + n, result.EntriesChecked);
        Assert.Equal(before + n, result.Head!.Sequence);
    }

    [Fact]
    public async Task Who_has_seen_my_record_lists_the_childs_entries_newest_first_paged_by_cursor()
    {
        var child = "child-" + Guid.NewGuid().ToString("N")[..8];
        var sibling = "child-" + Guid.NewGuid().ToString("N")[..8];
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var sequences = new List<long>();
        var writer = gateway.Services.GetRequiredService<AuditLogWriter>();
        for (int i = 0; i < 25; i++)
        {
            var children = i % 5 == 0 ? new[] { sibling, child } : new[] { child };
            sequences.Add(await writer.WriteAsync(AuditRecords.Record(organisation: i % 2 == 0 ? "la-926" : "ods-RGN", children: children,
                recorded: start.AddDays(i), decision: i % 3 == 0 ? AuditDecision.Deny : AuditDecision.Permit)));
            await writer.WriteAsync(AuditRecords.Record(children: [sibling])); // someone else's record in between
        }

        var seen = new List<long>();
        long? cursor = null;
        var pages = 0;
        do
        {
            var page = await Reader.SearchAsync(new AuditLogQuery(PatientId: child, Count: 10, Cursor: cursor));
            Assert.Equal(25, page.Total);
            Assert.All(page.Entries, e => Assert.Contains(child, e.PatientIds));
            seen.AddRange(page.Entries.Select(e => e.Sequence));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(sequences.AsEnumerable().Reverse(), seen);

        var byOrganisation = await Reader.SearchAsync(new AuditLogQuery(PatientId: child, OrganisationId: "ods-RGN", Count: 100));
        Assert.Equal(12, byOrganisation.Total);
        Assert.All(byOrganisation.Entries, e => Assert.Equal("ods-RGN", e.OrganisationId));

        // Recorded from day 10 (inclusive) to day 15 (exclusive).
        var window = await Reader.SearchAsync(new AuditLogQuery(PatientId: child, From: start.AddDays(10), To: start.AddDays(15), Count: 100));
        Assert.Equal(sequences.Skip(10).Take(5).Reverse(), window.Entries.Select(e => e.Sequence));
        Assert.Equal(5, window.Total);

        var countOnly = await Reader.SearchAsync(new AuditLogQuery(PatientId: child, Count: 0));
        Assert.Equal((0, (long?)null, 25L), (countOnly.Entries.Count, countOnly.NextCursor, countOnly.Total));
        Assert.Equal(0, (await Reader.SearchAsync(new AuditLogQuery(PatientId: "nobody"))).Total);

        var first = await Reader.ReadAsync(sequences[0]);
        Assert.NotNull(first);
        Assert.Equal(new[] { child, sibling }.Order(StringComparer.Ordinal), first.PatientIds);
        Assert.Equal(AuditDecision.Deny, first.Decision);
        Assert.Equal(start.UtcTicks, first.Recorded.UtcTicks);
        var json = JsonNode.Parse(first.Json)!;
        Assert.Equal("AuditEvent", json["resourceType"]!.GetValue<string>());
        Assert.Equal(sequences[0].ToString(System.Globalization.CultureInfo.InvariantCulture), json["id"]!.GetValue<string>());
        Assert.Null(await Reader.ReadAsync(long.MaxValue));
    }
}

[Collection("sqlite")] public sealed class SqliteAuditTrailTests(SqliteGateway g) : AuditTrailTests(g), IClassFixture<SqliteGateway>;
[Collection("postgres")] public sealed class PostgresAuditTrailTests(PostgresGateway g) : AuditTrailTests(g), IClassFixture<PostgresGateway>;

/// <summary>The gateway's own shutdown drains the audit queue: the writer stops after the web server, not before it.</summary>
public sealed class AuditTrailShutdownTests
{
    [Fact]
    public async Task Stopping_the_gateway_commits_every_queued_audit_entry()
    {
        var gateway = new SqliteGateway();
        await gateway.InitializeAsync();
        var sink = gateway.Services.GetRequiredService<IAuditSink>();
        var queued = Enumerable.Range(0, 300).Select(_ => sink.AppendAsync(AuditRecords.Record())).ToList();
        await gateway.DisposeAsync();
        Assert.All(queued, t => Assert.True(t.IsCompletedSuccessfully, t.Exception?.ToString()));
        await Assert.ThrowsAsync<AuditLogUnavailableException>(() => sink.AppendAsync(AuditRecords.Record()));
    }
}
