using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Fhir.Search;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Export;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Export;

/// <summary>
/// The kick-off of a bulk export (FHIR Bulk Data Access v2: <c>GET [base]/$export</c>, <c>Patient/$export</c>,
/// <c>Group/[id]/$export</c>, or POST with the parameters in a Parameters body, <see cref="ExportParameters"/>): checks
/// the request and the requester's scopes, and queues the job for <see cref="ExportWorker"/>. Nothing is disclosed here
/// except a Group's existence to a requester allowed to read it.
/// <para>
/// Refused with 400: a missing <c>Prefer: respond-async</c>, an output format other than NDJSON, an unknown or
/// unexportable <c>_type</c>, a <c>_since</c> that is not an instant with a time zone, and the parameters not supported
/// (<c>_elements</c>, <c>includeAssociatedData</c>, anything else) rather than silently exporting more than asked,
/// unless the client sends <c>Prefer: handling=lenient</c>; <c>patient</c> on a system export. <c>_typeFilter</c> takes
/// plain search criteria on exported types (several for one type: a resource matching any is exported). 403: a type
/// named in <c>_type</c> without read and search scope, no exportable type at
/// all, or a purpose that cannot stand behind a bulk disclosure (break-glass is for one child, commissioning gets
/// aggregates only). 429: the client already has <see cref="ExportOptions.MaxUnfinishedPerClient"/> exports waiting or running.
/// </para>
/// </summary>
public sealed class ExportKickOff(
    BulkExportStore jobs,
    IResourceStore store,
    ReadInteractions reads,
    Domain.Search.SearchParameterRegistry registry,
    Domain.Search.SearchRequestParser parser,
    ExportWakeUp wakeUp,
    IOptions<ExportOptions> options,
    TimeProvider clock)
{
    /// <summary>What each exported type needs: read, and search, since an export lists what exists as a search does.</summary>
    public const SmartPermissions Needed = SmartPermissions.Read | SmartPermissions.Search;

    /// <summary>Types the resource store does not hold: the audit log (search AuditEvent) and the indicator catalogue.</summary>
    public static readonly IReadOnlySet<string> NotExported = new HashSet<string>(StringComparer.Ordinal) { "AuditEvent", "Measure", "MeasureReport" };

    private static readonly HashSet<string> NdjsonFormats = new(StringComparer.OrdinalIgnoreCase) { "application/fhir+ndjson", "application/ndjson", "ndjson" };

    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal) { "_elements", "includeAssociatedData" };

    public const int MaxTypeFilters = 20;

    /// <summary>Where one query of a comma-separated _typeFilter ends: before a comma that starts the next <c>Type?</c>.</summary>
    private static readonly System.Text.RegularExpressions.Regex FilterSeparator = new(",(?=[A-Z][A-Za-z]*\\?)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Queues an export of <paramref name="kind"/> (and the Group <paramref name="groupId"/>); returns the job id.</summary>
    public async Task<string> StartAsync(HttpRequest http, AccessSession session, string kind, string? groupId, ExportParameters parameters, CancellationToken ct)
    {
        var requester = session.Requester ?? throw new FhirException(403, OperationOutcome.IssueType.Forbidden, "A bulk export needs an access token.");
        session.Interaction = ExportRun.Interaction;
        session.Action = Domain.Audit.AuditAction.Execute;
        if (!Prefers(http, "respond-async"))
            throw FhirException.BadRequest("A bulk export runs asynchronously: send the header 'Prefer: respond-async'.", OperationOutcome.IssueType.Required);
        var (types, sinceTicks, filterTexts) = ReadParameters(parameters.ByName, lenient: Prefers(http, "handling=lenient"));
        if (parameters.PatientIds.Count > 0 && kind == ExportKinds.System)
            throw FhirException.BadRequest("patient applies to Patient/$export and Group/[id]/$export, not to a system export.");
        if (requester.Purpose is PurposesOfUse.Safeguarding or PurposesOfUse.Commissioning)
            throw new FhirException(403, OperationOutcome.IssueType.Forbidden, requester.Purpose == PurposesOfUse.Safeguarding
                ? "Break-glass (safeguarding) is for one child's record and is time-boxed: it cannot stand behind a bulk export."
                : "Commissioning sees aggregates only (Measure/$evaluate-measure), never person-level exports.");

        if (kind != ExportKinds.System) session.RequireScope("Patient", Needed);
        if (kind == ExportKinds.Group) await EnsureGroupVisibleAsync(session, groupId!, ct);
        var exported = ScopedTypes(session, types);
        var filters = await ReadFiltersAsync(filterTexts, exported, ct);

        var limits = options.Value;
        var now = clock.GetUtcNow();
        var job = new ExportJobRow
        {
            JobId = Guid.NewGuid().ToString("N"),
            ClientId = requester.ClientId, Organisation = requester.OrganisationId, Agency = requester.Agency, Role = requester.Role,
            Scopes = requester.Scopes.ToString(), Purpose = requester.Purpose, PatientContext = requester.PatientContext, Registered = requester.RegisteredClient,
            Kind = kind, GroupId = groupId, Types = string.Join(',', exported), SinceTicks = sinceTicks,
            TypeFilters = filters.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(filters),
            PatientIds = parameters.PatientIds.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(parameters.PatientIds),
            RequestUrl = $"{http.Scheme}://{http.Host}{http.PathBase}{http.Path}{http.QueryString}",
            Status = ExportStatuses.Accepted, CreatedAt = now.ToUnixTimeMilliseconds(),
            ExpiresAt = now.AddMinutes(Math.Max(1, limits.QueuedLifetimeMinutes)).ToUnixTimeMilliseconds(),
        };
        if (!await jobs.TryCreateAsync(job, Math.Max(1, limits.MaxUnfinishedPerClient), ct))
            throw new FhirException(429, OperationOutcome.IssueType.Throttled,
                $"This client already has {limits.MaxUnfinishedPerClient} exports waiting or running; poll or cancel them first.");
        wakeUp.Ring();
        return job.JobId;
    }

    private static bool Prefers(HttpRequest http, string preference) =>
        http.Headers["Prefer"].SelectMany(v => (v ?? "").Split(',', ';')).Any(p => p.Trim().Equals(preference, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// _type (null: every exportable type; repeated, the lists are joined) and _since (UTC ticks, at most once). A
    /// parameter this server does not support is refused, or ignored under <c>Prefer: handling=lenient</c> (the Bulk Data
    /// convention); a bad value of a supported one is refused either way.
    /// </summary>
    private (List<string>? Types, long? SinceTicks, List<string> Filters) ReadParameters(ILookup<string, string> query, bool lenient)
    {
        List<string>? types = null;
        long? since = null;
        var filters = new List<string>();
        foreach (var group in query)
        {
            var (name, values) = (group.Key, group.ToList());
            switch (name)
            {
                case "_outputFormat":
                    if (values.Count > 1 || !NdjsonFormats.Contains(values[0]))
                        throw FhirException.BadRequest($"_outputFormat '{string.Join(",", values)}' is not supported: the files are application/fhir+ndjson.", OperationOutcome.IssueType.NotSupported);
                    break;
                case "_type":
                    types = ReadTypes(values);
                    break;
                case "_since":
                    if (values.Count > 1) throw FhirException.BadRequest("_since is given more than once.");
                    since = ReadSince(values[0]);
                    break;
                case "_typeFilter":
                    filters.AddRange(values.SelectMany(v => FilterSeparator.Split(v)));
                    break;
                default:
                    if (lenient) break;
                    throw FhirException.BadRequest(Unsupported.Contains(name)
                        ? $"The parameter '{name}' is not supported by this server's $export; ask without it (or send Prefer: handling=lenient to have it ignored)."
                        : $"'{name}' is not a parameter of $export (supported: _outputFormat, _type, _since, _typeFilter).", OperationOutcome.IssueType.NotSupported);
            }
        }
        return (types, since, filters);
    }

    /// <summary>
    /// Each _typeFilter query as plain criteria (<see cref="PlainCriteria"/>: no chains, no result parameters) on a type
    /// being exported, and run once, so a value the store cannot search by is refused now (400) rather than matching
    /// nothing in the files.
    /// </summary>
    private async Task<List<string>> ReadFiltersAsync(List<string> texts, List<string> exported, CancellationToken ct)
    {
        // Each is a search run for every batch of a walk: a bound keeps one kick-off from asking for thousands.
        if (texts.Count > MaxTypeFilters) throw FhirException.BadRequest($"At most {MaxTypeFilters} _typeFilter queries are taken.", OperationOutcome.IssueType.TooCostly);
        foreach (var text in texts)
        {
            if (!PlainCriteria.TryParse(text, parser, "_typeFilter", NotExported, "is not exported.", out var criteria, out var error))
                throw FhirException.BadRequest(error);
            if (!exported.Contains(criteria!.ResourceType))
                throw FhirException.BadRequest($"_typeFilter names {criteria.ResourceType}, which is not among the types exported ({string.Join(", ", exported)}).");
            if (await criteria.UnrunnableReasonAsync(parser, store, ct) is { } unrunnable)
                throw FhirException.BadRequest($"_typeFilter '{text}' is not a search this server can run: {unrunnable}");
        }
        return texts;
    }

    private List<string> ReadTypes(IEnumerable<string> values)
    {
        var known = registry.ResourceTypes.ToHashSet(StringComparer.Ordinal);
        var types = new List<string>();
        foreach (var raw in values.SelectMany(v => v.Split(',')))
        {
            var type = raw.Trim();
            if (type.Length == 0) throw FhirException.BadRequest("_type has an empty entry.");
            if (NotExported.Contains(type))
                throw FhirException.BadRequest($"{type} is not exported: {(type == "AuditEvent" ? "search AuditEvent for the audit trail" : "its resources are computed, not stored")}.", OperationOutcome.IssueType.NotSupported);
            if (!known.Contains(type)) throw FhirException.BadRequest($"_type names '{type}', which is not a resource type this server holds.", OperationOutcome.IssueType.NotSupported);
            if (!types.Contains(type)) types.Add(type);
        }
        return types;
    }

    private static long ReadSince(string value)
    {
        // An instant: date, time and zone (a date alone, or a time without a zone, would be read in an unstated zone).
        if (!value.Contains('T') || !Hl7.Fhir.ElementModel.Types.DateTime.TryParse(value, out var parsed) || !parsed.HasOffset)
            throw FhirException.BadRequest($"_since '{value}' is not a FHIR instant (e.g. 2026-01-15T09:30:00Z).");
        try
        {
            return parsed.ToDateTimeOffset(TimeSpan.Zero).UtcTicks;
        }
        catch (ArgumentOutOfRangeException)
        {
            throw FhirException.BadRequest($"_since '{value}' is out of range."); // year 0001 or 9999 with an offset past the calendar's ends
        }
    }

    /// <summary>
    /// The types exported, in file order: those asked for, each needing read and search scope (403 otherwise), or every
    /// exportable type the scopes reach.
    /// </summary>
    private List<string> ScopedTypes(AccessSession session, List<string>? asked)
    {
        if (asked is not null)
        {
            foreach (var type in asked) session.RequireScope(type, Needed);
            return asked;
        }
        var reachable = registry.ResourceTypes.Where(t => !NotExported.Contains(t) && session.ScopeFor(t, Needed) is not null)
            .OrderBy(t => t, StringComparer.Ordinal).ToList();
        if (reachable.Count == 0)
            throw new FhirException(403, OperationOutcome.IssueType.Forbidden, "The access token's scopes allow reading and searching no exportable type.");
        return reachable;
    }

    /// <summary>A Group export needs the Group read as a read would be (hidden answers 404 or 403 as configured).</summary>
    private async Task EnsureGroupVisibleAsync(AccessSession session, string groupId, CancellationToken ct)
    {
        var grant = session.RequireScope("Group", SmartPermissions.Read);
        var group = await store.ReadAsync("Group", groupId, ct) ?? throw FhirException.NotFound($"Group/{groupId} does not exist.");
        await reads.EnsureVisibleAsync(session, grant, group, ct);
        if (group.IsDeleted) throw FhirException.Gone($"Group/{groupId} was deleted.");
    }

    /// <summary>The text of a kick-off's answer.</summary>
    public static string Accepted(string statusUrl) =>
        $"Export accepted. Poll {statusUrl} for its progress; the manifest is there when it is complete.";
}
