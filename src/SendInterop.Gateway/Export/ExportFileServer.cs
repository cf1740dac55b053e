using SendInterop.Domain.Audit;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Export;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Export;

/// <summary>
/// Serves one output file, deciding every line again through the consent gate for whoever downloads it, with that
/// request's token and purpose (its scopes, patient context and constraints; the child's consents as they are now),
/// and auditing each decision as an "export" read before the lines it permits are sent. A line is sent only when the
/// resource still exists and the gate permits both the version in the file (the decision recorded) and, when it changed
/// since, its current version (a label added since, a new owner). So a consent withdrawn or a label added since the
/// file was written, a deletion, a narrower token of the same client, or a purpose that sees no person-level data
/// (commissioning) gets no more than a read would give it now; a line withheld is simply not there (the manifest's
/// count is what the file held when written).
/// </summary>
public sealed class ExportFileServer(BulkExportStore jobs, IResourceStore store, Domain.Search.SearchRequestParser parser, DisclosureGate gate, AccessAuditor auditor)
{
    /// <summary>Lines decided, audited and sent together (their current versions read in one statement).</summary>
    private const int Chunk = 500;

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    /// <returns>False when the file does not exist.</returns>
    public async Task<bool> WriteAsync(HttpContext context, AccessSession access, string jobId, int seq)
    {
        var ct = context.RequestAborted;
        if (await jobs.FileContentAsync(jobId, seq, ct) is not { } file) return false;
        access.Interaction = ExportRun.Interaction;
        access.Action = AuditAction.Read;
        var facts = ExportLineFacts.Read(file.LineFacts);
        var lines = SplitLines(file.Content);
        if (facts.Count != lines.Count) throw new InvalidOperationException("An export file's lines and facts differ in number.");

        context.Response.StatusCode = 200;
        context.Response.ContentType = ExportEndpoints.NdjsonMediaType;
        for (var start = 0; start < lines.Count; start += Chunk)
        {
            var end = Math.Min(lines.Count, start + Chunk);
            var permitted = new List<ReadOnlyMemory<byte>>(end - start);
            try
            {
                var current = await CurrentAsync(facts, start, end, ct);
                for (var i = start; i < end; i++)
                    if (await PermitsAsync(access, facts[i], current, ct)) permitted.Add(lines[i]);
            }
            finally
            {
                // As every read path: the decisions (those made before a failure too) are durably audited before the
                // lines they permit leave.
                await auditor.FlushAsync(access, CancellationToken.None);
            }
            foreach (var line in permitted)
            {
                await context.Response.Body.WriteAsync(line, ct);
                await context.Response.Body.WriteAsync(NewLine, ct);
            }
        }
        return true;
    }

    /// <summary>
    /// The version in the file is what is sent, so it is the decision recorded (naming the child it is about). When the
    /// resource changed since it was written, the current version must be permitted too (a label, consent or new owner
    /// on it covers the whole history, as for a vread; its refusal is recorded as its own decision), and a token whose
    /// scopes carry constraints gets no old version at all (a constraint is checked on the current version only). A
    /// deleted resource is not sent.
    /// </summary>
    private async Task<bool> PermitsAsync(AccessSession access, ExportLineFacts.Line line, Dictionary<(string, string), AccessRow> current, CancellationToken ct)
    {
        var written = ExportLineFacts.FactsOnly(line.AsRow());
        var scope = access.ScopeFor(written.ResourceType, ExportKickOff.Needed);
        if (scope is null)
        {
            gate.RecordOutOfScope(access, written);
            return false;
        }
        if (!current.TryGetValue((line.ResourceType, line.ResourceId), out var now)) return false;
        if (now.Key != line.Key)
        {
            if (!scope.Unconstrained)
            {
                gate.RecordOutOfScope(access, written);
                return false;
            }
            if (!await gate.IsPermittedWithinScopeAsync(access, now, scope, ct))
            {
                await gate.PermitsWithinScopeAsync(access, ExportLineFacts.FactsOnly(now), scope, ct); // records the refusal
                return false;
            }
        }
        return await gate.PermitsWithinScopeAsync(access, written, scope, ct);
    }

    /// <summary>The current, not deleted versions of the lines' resources, by type and id, in one statement per type.</summary>
    private async Task<Dictionary<(string, string), AccessRow>> CurrentAsync(List<ExportLineFacts.Line> facts, int start, int end, CancellationToken ct)
    {
        var found = new Dictionary<(string, string), AccessRow>();
        foreach (var byType in facts.Skip(start).Take(end - start).GroupBy(f => f.ResourceType))
        {
            var ids = byType.Select(f => f.ResourceId).Distinct(StringComparer.Ordinal).ToList();
            var request = parser.Parse(byType.Key, [new("_id", string.Join(',', ids))]);
            foreach (var row in await store.MatchAccessAsync(request, ids.Count, ct)) found[(row.ResourceType, row.ResourceId)] = row;
        }
        return found;
    }

    /// <summary>The file's lines, each without its line break.</summary>
    private static List<ReadOnlyMemory<byte>> SplitLines(byte[] content)
    {
        var lines = new List<ReadOnlyMemory<byte>>();
        var start = 0;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] != (byte)'\n') continue;
            if (i > start) lines.Add(content.AsMemory(start, i - start));
            start = i + 1;
        }
        if (start < content.Length) lines.Add(content.AsMemory(start));
        return lines;
    }
}
