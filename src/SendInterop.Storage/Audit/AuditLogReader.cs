using System.Data.Common;
using System.Text.Json;
using SendInterop.Domain.Audit;

namespace SendInterop.Storage.Audit;

/// <summary>One stored audit entry: the AuditEvent JSON as served (rendered from the stored record), and its query columns.</summary>
public sealed record AuditLogEntry(
    long Sequence,
    DateTimeOffset Recorded,
    string? OrganisationId,
    string? ClientId,
    AuditDecision Decision,
    bool BreakGlass,
    IReadOnlyList<string> PatientIds,
    byte[] Json);

/// <summary>
/// An audit search, newest first. Every criterion given must hold. <see cref="From"/> is inclusive and
/// <see cref="To"/> exclusive (on the recorded time). <see cref="Cursor"/> is the <see cref="AuditLogPage.NextCursor"/>
/// of the previous page: the page holds entries older than it. <see cref="Count"/> 0 returns only the total.
/// </summary>
public sealed record AuditLogQuery(
    string? PatientId = null,
    string? OrganisationId = null,
    string? ClientId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Count = 50,
    long? Cursor = null,
    bool? BreakGlass = null)
{
    public const int MaxCount = 1000;
}

/// <summary>A page of entries (newest first), the cursor of the next page (null on the last), and the total matching the criteria.</summary>
public sealed record AuditLogPage(IReadOnlyList<AuditLogEntry> Entries, long? NextCursor, long Total);

/// <summary>
/// The result of walking the whole chain: how many entries verified before the first break (all of them when intact),
/// the head (last entry) when intact, and the first break.
/// </summary>
public sealed record AuditChainVerification(long EntriesChecked, AuditChainHead? Head, AuditChainBreak? Break)
{
    public bool Intact => Break is null;
}

/// <summary>Reads the audit log: one entry, searches ("who has seen my record"), and verification of the whole chain.</summary>
public interface IAuditLogReader
{
    Task<AuditLogEntry?> ReadAsync(long sequence, CancellationToken ct = default);

    Task<AuditLogPage> SearchAsync(AuditLogQuery query, CancellationToken ct = default);

    /// <summary>
    /// Streams every entry in sequence order through <see cref="AuditChain.Verify"/> (memory stays bounded whatever the
    /// log's size) and also checks each entry's query columns against its AuditEvent, which the hash covers, so a row
    /// quietly removed from "who has seen my record" is reported too.
    /// </summary>
    Task<AuditChainVerification> VerifyAsync(CancellationToken ct = default);
}

/// <summary>
/// A stored payload in either format: the compact record of format 2 (<see cref="AuditRecordCodec"/>), or the whole
/// AuditEvent that entries written before it hold. The chain hashes the payload as stored, so old entries keep verifying.
/// </summary>
internal static class AuditPayload
{
    private static readonly AuditEventRenderer Renderer = new();

    /// <summary>The AuditEvent the entry is served as.</summary>
    public static byte[] AuditEventJson(byte[] payload, long sequence) =>
        AuditRecordCodec.IsRecord(payload) ? Renderer.Render(AuditRecordCodec.Decode(payload), sequence) : payload;

    /// <summary>The searchable facts the payload itself holds (what the query columns must match).</summary>
    public static AuditIndex IndexOf(byte[] payload) =>
        AuditRecordCodec.IsRecord(payload) ? AuditEventRenderer.IndexOf(AuditRecordCodec.Decode(payload)) : AuditEventRenderer.ReadIndex(payload);
}

internal sealed class AuditLogReader(AuditLogDatabase database, AuditLogWriter? writer = null) : IAuditLogReader
{
    private const char Separator = '\u001f';

    private string PatientIdsColumn => database.Provider == StorageProvider.Postgres
        ? """(SELECT string_agg(x."PatientId", chr(31)) FROM audit_patient x WHERE x."Sequence" = l."Sequence")"""
        : """(SELECT group_concat(x."PatientId", char(31)) FROM audit_patient x WHERE x."Sequence" = l."Sequence")""";

    /// <summary>An entry's columns; its children come from its payload (so an entry reads the same before it is indexed).</summary>
    private const string EntryColumns = """l."Sequence", l."Recorded", l."Organisation", l."Client", l."Decision", l."BreakGlass", l."Payload" """;

    /// <summary>Brings the search index up to date first, so a search or verification sees every entry committed before it.</summary>
    private async Task EnsureIndexedAsync(CancellationToken ct)
    {
        if (writer is not null)
        {
            await writer.IndexNowAsync(ct);
            return;
        }
        await using var connection = await database.OpenAsync(ct);
        await AuditIndexer.IndexAllAsync(connection, ct);
    }

    public async Task<AuditLogEntry?> ReadAsync(long sequence, CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""SELECT {EntryColumns} FROM audit_log l WHERE l."Sequence" = @s""";
        Add(cmd, "s", sequence);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadEntry(reader) : null;
    }

    public async Task<AuditLogPage> SearchAsync(AuditLogQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var count = Math.Clamp(query.Count, 0, AuditLogQuery.MaxCount);
        await EnsureIndexedAsync(ct);
        await using var connection = await database.OpenAsync(ct);

        // Filtered on the search index; by patient driven from the patient index (PatientId, Sequence), walked backwards.
        var from = query.PatientId is null
            ? """audit_search s JOIN audit_log l ON l."Sequence" = s."Sequence" """
            : """audit_patient k JOIN audit_search s ON s."Sequence" = k."Sequence" JOIN audit_log l ON l."Sequence" = k."Sequence" """;
        var key = query.PatientId is null ? "s.\"Sequence\"" : "k.\"Sequence\"";
        var criteria = new List<string>();
        var values = new List<(string, object)>();
        void Where(string sql, string name, object value)
        {
            criteria.Add(sql);
            values.Add((name, value));
        }
        if (query.PatientId is not null) Where("k.\"PatientId\" = @patient", "patient", query.PatientId);
        if (query.OrganisationId is not null) Where("s.\"Organisation\" = @org", "org", query.OrganisationId);
        if (query.ClientId is not null) Where("s.\"Client\" = @client", "client", query.ClientId);
        if (query.BreakGlass is { } bg) Where("s.\"BreakGlass\" = @bg", "bg", bg);
        if (query.From is { } f) Where("s.\"Recorded\" >= @from", "from", f.UtcTicks);
        if (query.To is { } t) Where("s.\"Recorded\" < @to", "to", t.UtcTicks);
        string WhereClause(IEnumerable<string> c) => c.Any() ? " WHERE " + string.Join(" AND ", c) : "";

        long total;
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"SELECT count(*) FROM {from}{WhereClause(criteria)}";
            foreach (var (name, value) in values) Add(cmd, name, value);
            total = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (count == 0 || total == 0) return new AuditLogPage([], null, total);

        var entries = new List<AuditLogEntry>(Math.Min(count, 64));
        long? next = null;
        await using (var cmd = connection.CreateCommand())
        {
            var pageCriteria = query.Cursor is null ? criteria : [.. criteria, $"{key} < @cursor"];
            cmd.CommandText = $"SELECT {EntryColumns} FROM {from}{WhereClause(pageCriteria)} ORDER BY {key} DESC LIMIT {count + 1}";
            foreach (var (name, value) in values) Add(cmd, name, value);
            if (query.Cursor is { } cursor) Add(cmd, "cursor", cursor);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (entries.Count == count)
                {
                    next = entries[^1].Sequence;
                    break;
                }
                entries.Add(ReadEntry(reader));
            }
        }
        return new AuditLogPage(entries, next, total);
    }

    public async Task<AuditChainVerification> VerifyAsync(CancellationToken ct = default)
    {
        await EnsureIndexedAsync(ct);
        return await Task.Run(() => Verify(ct), ct);
    }

    private sealed class WalkState
    {
        public long Checked;
        public AuditChainHead? Last;
        public string? HashAtKnown;
        public AuditChainBreak? ColumnsBreak;
    }

    private AuditChainVerification Verify(CancellationToken ct)
    {
        // What this process has committed, read before the walk starts, so all of it is in the walk's snapshot.
        var known = writer?.Head;
        using var connection = database.Open();
        using var cmd = connection.CreateCommand();
        // With each entry: its patient index rows and its search index row, checked against the entry itself.
        cmd.CommandText = $"""
            SELECT {EntryColumns}, {PatientIdsColumn}, l."PreviousHash", l."Hash", s."Sequence", s."Recorded", s."Organisation", s."Client", s."BreakGlass"
            FROM audit_log l LEFT JOIN audit_search s ON s."Sequence" = l."Sequence" ORDER BY l."Sequence"
            """;
        using var reader = cmd.ExecuteReader();
        var state = new WalkState();
        var chainBreak = AuditChain.Verify(Walk(reader, state, known, ct));
        if (chainBreak is not null || state.ColumnsBreak is not null)
            return new AuditChainVerification(state.Checked, null, chainBreak ?? state.ColumnsBreak);

        // The chain itself cannot show that its newest entries were cut off; what this gateway wrote can.
        if (known is not null && (state.Last is null || state.Last.Sequence < known.Sequence))
        {
            var first = (state.Last?.Sequence ?? 0) + 1;
            return new AuditChainVerification(state.Checked, null, new AuditChainBreak(first,
                $"entries {first} to {known.Sequence} are missing: this gateway committed up to entry {known.Sequence}"));
        }
        if (known is not null && state.HashAtKnown != known.Hash)
            return new AuditChainVerification(state.Checked, null, new AuditChainBreak(known.Sequence,
                $"entry {known.Sequence} was changed after it was written"));
        return new AuditChainVerification(state.Checked, state.Last, null);
    }

    /// <summary>
    /// Yields the stored entries one at a time. <see cref="AuditChain.Verify"/> asks for the next entry only once the
    /// previous one verified, so the code after each yield runs for verified entries only: it counts them and then
    /// checks their query columns, so a chain break at an entry is reported as such and not as a column mismatch.
    /// </summary>
    private static IEnumerable<AuditChainEntry> Walk(DbDataReader reader, WalkState state, AuditChainHead? known, CancellationToken ct)
    {
        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            var stored = ReadEntry(reader, render: false);
            var payload = reader.GetFieldValue<byte[]>(6);
            var entry = new AuditChainEntry(stored.Sequence, payload, reader.GetString(8), reader.GetString(9));
            yield return entry;

            var indexedPatients = reader.IsDBNull(7) ? [] : reader.GetString(7).Split(Separator);
            var columns = new AuditIndex(stored.Recorded.UtcTicks, stored.OrganisationId, stored.ClientId,
                AuditEventRenderer.DecisionCode(stored.Decision), stored.BreakGlass, indexedPatients);
            var searchRowMatches = !reader.IsDBNull(10) && reader.GetInt64(11) == stored.Recorded.UtcTicks
                && (reader.IsDBNull(12) ? null : reader.GetString(12)) == stored.OrganisationId
                && (reader.IsDBNull(13) ? null : reader.GetString(13)) == stored.ClientId
                && reader.GetBoolean(14) == stored.BreakGlass;
            AuditIndex? content;
            try { content = AuditPayload.IndexOf(payload); }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException) { content = null; }
            if (content is null || !content.Matches(columns) || !searchRowMatches || reader.GetString(4) is not ("permit" or "deny"))
            {
                state.ColumnsBreak = new AuditChainBreak(entry.Sequence,
                    $"entry {entry.Sequence}'s search columns (recorded, organisation, client, decision, break-glass, patients) do not match its content: they were changed after it was written");
                yield break;
            }
            state.Checked++;
            state.Last = new AuditChainHead(entry.Sequence, entry.Hash);
            if (known is not null && entry.Sequence == known.Sequence) state.HashAtKnown = entry.Hash;
        }
    }

    private static AuditLogEntry ReadEntry(DbDataReader r, bool render = true)
    {
        var payload = r.GetFieldValue<byte[]>(6);
        string[] patients;
        try { patients = [.. AuditPayload.IndexOf(payload).PatientIds.Distinct(StringComparer.Ordinal)]; }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or KeyNotFoundException) { patients = []; }
        Array.Sort(patients, StringComparer.Ordinal);
        return new AuditLogEntry(
            r.GetInt64(0),
            new DateTimeOffset(r.GetInt64(1), TimeSpan.Zero),
            r.IsDBNull(2) ? null : r.GetString(2),
            r.IsDBNull(3) ? null : r.GetString(3),
            r.GetString(4) == "permit" ? AuditDecision.Permit : AuditDecision.Deny,
            r.GetBoolean(5),
            patients,
            render ? AuditPayload.AuditEventJson(payload, r.GetInt64(0)) : []);
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
