using System.Globalization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// AuditEvent read and search, served from the hash-chained audit log (the gateway writes it; nobody else can).
/// "Who has seen my record": <c>AuditEvent?patient=X</c>. Every entry passes the consent gate like any resource: an
/// organisation sees its own accesses; a child or parent (subject-access, patient in context) sees the accesses to
/// their record, redacted to their own entity so other children named in the same event are not disclosed.
/// <para>
/// Denials are shown only to the child's side (subject access): an entry that refused an organisation something names
/// what was refused and why (the resources, the child, a sensitivity rule, the Consent that refused it), and even its
/// bare existence after a search that came back short says that hidden matches exist. So for the requester it would
/// undo the gate; it stays in the log, hash-chained and verified, for the child and for information governance.
/// </para>
/// </summary>
public sealed class AuditEventInteraction(IAuditLogReader log, DisclosureGate gate, OrganisationDirectory organisations, FhirSerialization serialization)
{
    public const string Type = "AuditEvent";
    private const int MaxRefills = 20;

    public async Task<FhirResponse> ReadAsync(AccessSession access, ScopeGrant? grant, string id, CancellationToken ct)
    {
        var entry = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? await log.ReadAsync(sequence, ct) : null;
        if (entry is null) throw FhirException.NotFound($"AuditEvent/{id} does not exist.");
        var child = access.Requester?.PatientContext is { } p && entry.PatientIds.Contains(p) ? p : entry.PatientIds.FirstOrDefault();
        if (HiddenDenial(access, entry) || !await gate.PermitsFactsAsync(access, Facts(entry, child), grant, ct))
            throw gate.HiddenReadStatus == 403
                ? new FhirException(403, OperationOutcome.IssueType.Forbidden, $"You may not see AuditEvent/{id}.")
                : FhirException.NotFound($"AuditEvent/{id} does not exist.");
        return new FhirResponse { Status = 200, Json = View(access, entry), ResourceType = Type, ResourceId = id };
    }

    public async Task<FhirResponse> SearchAsync(FhirRequest request, ScopeGrant? grant, CancellationToken ct)
    {
        var query = Parse(request.Url.Query, out var count, out var cursor);
        var access = request.Access;
        int? total = null;
        var collected = new List<AuditLogEntry>();
        long? next = cursor;
        for (var round = 0; round < MaxRefills && count > 0; round++)
        {
            var page = await log.SearchAsync(query with { Count = count - collected.Count, Cursor = next }, ct);
            if (access.IsInternal) total = (int)Math.Min(page.Total, int.MaxValue);
            foreach (var e in page.Entries)
                if (!HiddenDenial(access, e) && await gate.PermitsFactsAsync(access, Facts(e, query.PatientId ?? e.PatientIds.FirstOrDefault()), grant, ct)) collected.Add(e);
            next = page.NextCursor;
            if (collected.Count >= count || next is null) break;
        }
        // Under the gate the total is left out: counting would mean deciding on every entry of the whole log.
        var body = new BundleBody { Type = Bundle.BundleType.Searchset, Total = total };
        body.Links.Add(("self", $"{request.BaseUrl}/{Type}{SearchInteraction.QueryString(request.Url.Query)}"));
        if (next is { } n)
            body.Links.Add(("next", $"{request.BaseUrl}/{Type}{SearchInteraction.QueryString(request.Url.Query.Where(kv => kv.Key != "_cursor").Append(new("_cursor", n.ToString(CultureInfo.InvariantCulture))))}"));
        foreach (var e in collected)
            body.Entries.Add(new BundleBodyEntry { FullUrl = $"{request.BaseUrl}/{Type}/{e.Sequence}", Json = View(access, e), SearchMode = Bundle.SearchEntryMode.Match });
        return new FhirResponse { Bundle = body };
    }

    /// <summary>A denial, to anyone but the child's side (see the class remarks): treated as if it did not exist.</summary>
    private static bool HiddenDenial(AccessSession access, AuditLogEntry e) =>
        e.Decision == Domain.Audit.AuditDecision.Deny && !access.IsInternal && access.Requester?.Purpose != PurposesOfUse.SubjectAccess;

    private ResourceFacts Facts(AuditLogEntry e, string? child) => new(
        Type, e.Sequence.ToString(CultureInfo.InvariantCulture), e.OrganisationId, organisations.AgencyOf(e.OrganisationId),
        DataClasses.Audit, [], child, e.Recorded, [], []);

    /// <summary>
    /// The event as this requester may see it. A subject-access requester gets it without the other entities: the
    /// event may list other children's resources (one search can touch many children).
    /// </summary>
    private byte[] View(AccessSession access, AuditLogEntry e)
    {
        if (access.Requester is not { Purpose: PurposesOfUse.SubjectAccess, PatientContext: { } child }) return e.Json;
        if (serialization.ParseStored(e.Json) is not AuditEvent audit) return e.Json;
        audit.Entity.RemoveAll(x => x.What?.Reference != "Patient/" + child);
        return serialization.ToJsonBytes(audit);
    }

    private static AuditLogQuery Parse(IReadOnlyList<KeyValuePair<string, string>> query, out int count, out long? cursor)
    {
        string? patient = null, organisation = null;
        bool? breakGlass = null;
        DateTimeOffset? from = null, to = null;
        count = SearchDefaults.DefaultCount;
        cursor = null;
        foreach (var (k, v) in query)
        {
            switch (k)
            {
                case "patient":
                case "entity":
                    patient = v.StartsWith("Patient/", StringComparison.Ordinal) ? v["Patient/".Length..] : v;
                    if (!ResourcePreparer.IsValidId(patient)) throw FhirException.BadRequest($"'{v}' is not a Patient reference.");
                    break;
                case "agent":
                    organisation = v.StartsWith("Organization/", StringComparison.Ordinal) ? v["Organization/".Length..] : v;
                    if (!ResourcePreparer.IsValidId(organisation)) throw FhirException.BadRequest($"'{v}' is not an Organization reference.");
                    break;
                case "date":
                    var prefix = v.Length > 2 && char.IsAsciiLetterLower(v[0]) && char.IsAsciiLetterLower(v[1]) ? v[..2] : "eq";
                    var text = prefix == "eq" && !v.StartsWith("eq", StringComparison.Ordinal) ? v : v[2..];
                    if (!FhirDateRange.TryParse(text, out var range)) throw FhirException.BadRequest($"date must be a FHIR date or instant, not '{v}'.");
                    var start = new DateTimeOffset(range.Start, TimeSpan.Zero);
                    // The range's end is inclusive; the audit query's upper bound is exclusive.
                    var end = range.End == DateTime.MaxValue ? DateTimeOffset.MaxValue : new DateTimeOffset(range.End, TimeSpan.Zero).AddTicks(1);
                    switch (prefix)
                    {
                        case "ge": from = start; break;
                        case "gt": from = end; break;
                        case "le": to = end; break;
                        case "lt": to = start; break;
                        case "eq": from = start; to = end; break;
                        default: throw FhirException.BadRequest($"AuditEvent date supports the prefixes eq, ge, gt, le and lt, not '{prefix}'.");
                    }
                    break;
                case "break-glass":
                    // The break-glass report: every use of break-glass, for the information-governance lead.
                    breakGlass = v switch { "true" => true, "false" => false, _ => throw FhirException.BadRequest($"break-glass must be true or false, not '{v}'.") };
                    break;
                case "_count":
                    if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out count)) throw FhirException.BadRequest($"_count must be a non-negative integer, not '{v}'.");
                    count = Math.Min(count, SearchDefaults.MaxCount);
                    break;
                case "_cursor":
                    if (!long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var c)) throw FhirException.BadRequest("The paging cursor is not valid; follow the next link as returned.");
                    cursor = c;
                    break;
                case "_format":
                    break;
                default:
                    // The audit log answers only what it indexes; a silently ignored criterion would widen the answer.
                    throw FhirException.BadRequest($"AuditEvent search supports patient, entity, agent, date, break-glass, _count and _cursor, not '{k}'.");
            }
        }
        return new AuditLogQuery(patient, organisation, null, from, to, count, BreakGlass: breakGlass);
    }
}
