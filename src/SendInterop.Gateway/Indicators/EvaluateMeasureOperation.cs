using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Indicators;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Indicators;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// <c>Measure/{id}/$evaluate-measure</c> and <c>Measure/$evaluate-measure?measure=</c> (GET or POST): an indicator
/// evaluated by the database over the projection (<see cref="SqlIndicatorEvaluator"/>).
/// <list type="bullet">
/// <item><b>summary</b> (default): aggregates for the subject, small-number suppression applied consistently across
/// the geography (<see cref="HierarchicalSuppression"/>), with when it was computed, the projection's freshness and the DfE
/// comparators. Any authenticated client with <c>system/Measure.rs</c> may ask: nothing in it identifies a child.</item>
/// <item><b>subject-list</b>: the children counted, as contained Lists of Patient references per population. Needs the
/// Patient read scope too, and every child passes through the consent gate, with the record that put it in the population
/// (<see cref="VisibleSubjectsAsync"/>): a child the requester may not see, or may see only beside hidden records, is left
/// out, silently, and each population's count is the number of children listed, never the aggregate (an aggregate
/// beside a shorter list would reveal how many are hidden, and could undo suppression). No score, no strata.</item>
/// </list>
/// </summary>
public sealed class EvaluateMeasureOperation(
    MeasureCatalogueInteraction catalogue,
    SqlIndicatorEvaluator evaluator,
    ReportSubjectResolver subjects,
    ComparatorSource comparators,
    IndicatorProjectionStore projection,
    IResourceStore store,
    DisclosureGate gate,
    IOptions<IndicatorOptions> options,
    TimeProvider clock)
{
    public const string Name = "$evaluate-measure";

    public const string SubjectListMeaning =
        "Each list holds the children counted in that population whom this requester may see, and only through a counted record it may see too "
        + "(the request, plan, goal or episode of care; consent gate applied); hidden children are left out "
        + "and each count is the number of children listed, not the aggregate. Populations count records (requests, plans...), lists name children: "
        + "a child with two plans is listed once. Use reportType=summary for the aggregate (small-number suppression applied).";

    public async Task<FhirResponse> ExecuteAsync(FhirRequest request, CancellationToken ct)
    {
        var url = request.Url;
        if (request.Method is not ("GET" or "POST")) throw FhirException.MethodNotAllowed("$evaluate-measure takes GET or POST.");
        request.Access.RequireScope(MeasureCatalogueInteraction.Type, SmartPermissions.Read);

        var inputs = new EvaluateMeasureInputs(request);
        var measureReference = url.Id ?? inputs.Measure
            ?? throw FhirException.BadRequest("Measure/$evaluate-measure needs the 'measure' parameter (a Measure id or canonical URL).", OperationOutcome.IssueType.Required);
        if (url.Id is not null && inputs.Measure is { } named && catalogue.Find(named)?.Id != url.Id)
            throw FhirException.BadRequest("The 'measure' parameter names another Measure than the URL.");
        var measure = catalogue.Find(measureReference) ?? throw FhirException.NotFound($"Measure '{measureReference}' does not exist.");
        var indicator = IndicatorCatalogue.Find(measure.Id ?? "")!;
        var period = inputs.Period();
        var reportType = inputs.ReportType;
        var subject = await subjects.ResolveAsync(inputs.Subject, ct);

        if (reportType == ReportType.SubjectList)
        {
            // Lists name children: only a requester allowed to read Patients, and only the children the gate lets it see.
            var grant = request.Access.RequireScope("Patient", SmartPermissions.Read);
            return FhirResponse.Of(await SubjectListAsync(request.Access, grant, indicator, period, subject, ct));
        }

        return FhirResponse.Of(await SummaryAsync(indicator, period, subject, ct));
    }

    public async Task<MeasureReport> SummaryAsync(IndicatorDefinition indicator, ReportingPeriod period, ReportSubject subject, CancellationToken ct) =>
        (await SummariesAsync([indicator], period, subject, ct))[0];

    /// <summary>Summary reports of several indicators for one subject and period; indicators over the same rows are counted together.</summary>
    public async Task<IReadOnlyList<MeasureReport>> SummariesAsync(IReadOnlyList<IndicatorDefinition> indicators, ReportingPeriod period, ReportSubject subject,
        CancellationToken ct)
    {
        var population = options.Value.ResidentPopulation0To25.TryGetValue(subject.Code, out var residents) ? residents : (long?)null;
        var computed = await evaluator.EvaluateManyAsync(indicators, period, subject, comparators.Hierarchy, _ => population, ct);
        var lastRebuild = await LastRebuildAsync(ct);
        var reports = new List<MeasureReport>(indicators.Count);
        for (var i = 0; i < indicators.Count; i++)
        {
            // When the counts were taken, not now: they may have been reused from an earlier request at the same projection version.
            var counted = computed[i].CountedAt;
            // Decided over the subject's region (or England), so this report and its neighbours' withhold the same cells.
            var report = SmallNumberSuppression.Apply(IndicatorEvaluator.ToMeasureReport(computed[i].Result, counted), subject, computed[i].Suppression);
            IndicatorReportExtensions.AddFreshness(report, counted, computed[i].OldestRow, computed[i].NewestRow, lastRebuild);
            IndicatorReportExtensions.AddComparators(report, indicators[i], period, subject, comparators.Set,
                subject.Level == GeographyLevel.LocalAuthority ? subjects.RegionOf(subject.Code) : null);
            reports.Add(report);
        }

        return reports;
    }

    private async Task<MeasureReport> SubjectListAsync(AccessSession access, ScopeGrant? grant, IndicatorDefinition indicator, ReportingPeriod period,
        ReportSubject subject, CancellationToken ct)
    {
        var counted = await evaluator.SubjectsAsync(indicator, period, subject, ct);
        var lists = await VisibleSubjectsAsync(access, grant, counted, ct);
        var counts = lists.ToDictionary(kv => kv.Key, kv => kv.Value.Count);
        var now = clock.GetUtcNow();
        var report = IndicatorEvaluator.ToMeasureReport(new IndicatorResult(indicator, period, subject, new PopulationResult(counts, null), []), now);
        report.Type = MeasureReport.MeasureReportType.SubjectList;
        foreach (var population in report.Group[0].Population)
        {
            var code = population.Code?.Coding.FirstOrDefault()?.Code ?? "";
            var list = new List { Id = code, Status = List.ListStatus.Current, Mode = ListMode.Snapshot, Title = "Children in " + code };
            if (PopulationKinds.FromCode(code) is not { } kind) continue;
            foreach (var child in lists[kind]) list.Entry.Add(new List.EntryComponent { Item = new ResourceReference("Patient/" + child) });
            report.Contained.Add(list);
            population.SubjectResults = new ResourceReference("#" + code);
        }

        report.Extension.Add(new Extension(IndicatorReportExtensions.SubjectListScope, new FhirString(SubjectListMeaning)));
        IndicatorReportExtensions.AddFreshness(report, now, null, null, await LastRebuildAsync(ct));
        return report;
    }

    /// <summary>
    /// The children of each population the requester may be told of. Listing a child in a population says the child has a
    /// row there (a request, a plan, a goal, a wait for a health service), so a child is listed only when the gate lets the
    /// requester see both the child's Patient and the resource one of those rows is about (its source), within the read
    /// scope of that resource's type. A source the requester may not see, or a row without a resource reference as its
    /// source, lists nobody: a hidden CAMHS episode of care must not surface as a name in "health waits".
    /// </summary>
    private async Task<Dictionary<PopulationKind, List<string>>> VisibleSubjectsAsync(AccessSession access, ScopeGrant? patientGrant,
        IndicatorSubjects counted, CancellationToken ct)
    {
        var children = new Dictionary<string, bool>(StringComparer.Ordinal);
        var sources = new Dictionary<string, bool>(StringComparer.Ordinal);
        var lists = new Dictionary<PopulationKind, List<string>>();
        foreach (var (kind, rows) in counted.Rows)
        {
            var listed = new List<string>();
            foreach (var row in rows)
            {
                // SubjectsAsync orders each population's rows by child (in memory, not in SQL): a child is listed once.
                if (listed.Count > 0 && listed[^1] == row.ChildId) continue;
                if (!await CachedAsync(children, row.ChildId, () => ReadPermittedAsync(access, "Patient", row.ChildId, patientGrant, ct))) continue;
                var source = SourceOf(row.RowId);
                if (source is null || !await CachedAsync(sources, source.Value.Type + "/" + source.Value.Id,
                        () => ReadPermittedAsync(access, source.Value.Type, source.Value.Id, access.ScopeFor(source.Value.Type, SmartPermissions.Read), ct))) continue;
                listed.Add(row.ChildId);
            }
            lists[kind] = listed;
        }

        return lists;
    }

    private static async Task<bool> CachedAsync(Dictionary<string, bool> decided, string key, Func<Task<bool>> decide)
    {
        if (!decided.TryGetValue(key, out var permitted)) decided[key] = permitted = await decide();
        return permitted;
    }

    private async Task<bool> ReadPermittedAsync(AccessSession access, string type, string id, ScopeGrant? grant, CancellationToken ct)
    {
        if (grant is null) return false;
        var record = await store.ReadAsync(type, id, ct);
        return record is { IsDeleted: false } && await gate.PermitsWithinScopeAsync(access, record, grant, ct);
    }

    /// <summary>The resource a projection row is about: its row id up to any <c>#key</c>, when that is a <c>Type/id</c> reference.</summary>
    private static (string Type, string Id)? SourceOf(string rowId)
    {
        var reference = rowId.Split('#', 2)[0];
        var slash = reference.IndexOf('/');
        if (slash <= 0 || slash == reference.Length - 1 || reference.IndexOf('/', slash + 1) >= 0) return null;
        var type = reference[..slash];
        return ModelInfo.IsKnownResource(type) ? (type, reference[(slash + 1)..]) : null;
    }

    private async Task<DateTimeOffset?> LastRebuildAsync(CancellationToken ct) =>
        await projection.GetStateAsync(ct) is { RebuiltAt: > 0 } state ? DateTimeOffset.FromUnixTimeMilliseconds(state.RebuiltAt) : null;
}
