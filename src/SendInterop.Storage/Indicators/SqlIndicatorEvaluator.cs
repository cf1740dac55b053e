using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SendInterop.Domain.Indicators;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Indicators;

/// <summary>An indicator computed by the database, what to withhold from it, and how fresh the rows it rests on are.</summary>
/// <param name="Suppression">Decisions over the subject's whole scope (<see cref="HierarchicalSuppression"/>), the same for every report of that scope.</param>
/// <param name="OldestRow">When the oldest row counted was projected (every counted row is at least this fresh); null when nothing was counted.</param>
/// <param name="NewestRow">When the newest row counted was projected.</param>
/// <param name="CountedAt">
/// When the database was asked for the counts: every projection write committed before it is included. Earlier than
/// now when the counts were reused (<see cref="VersionedCountCache{T}"/>), so a report says when its figures were taken.
/// </param>
public sealed record SqlIndicatorResult(IndicatorResult Result, SuppressionDecisions Suppression, DateTimeOffset? OldestRow, DateTimeOffset? NewestRow,
    DateTimeOffset CountedAt);

/// <summary>
/// The rows counted in each population of an indicator (subject-list), before any consent decision: each names the child
/// and the row's source (<see cref="IndicatorRowEntity.RowId"/>: the request, plan, goal or episode of care it is about).
/// </summary>
public sealed record IndicatorSubjects(IReadOnlyDictionary<PopulationKind, IReadOnlyList<CountedRow>> Rows)
{
    /// <summary>The children counted in each population, each once, in ordinal order.</summary>
    public IReadOnlyDictionary<PopulationKind, IReadOnlyList<string>> ChildIds =>
        Rows.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.Select(r => r.ChildId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());
}

/// <summary>One projection row of a population: the child (Patient id) and the row id (a resource reference, perhaps with a #key).</summary>
public sealed record CountedRow(string ChildId, string RowId);

/// <summary>
/// Evaluates catalogue indicators with one set-based query each over the projection tables (<see cref="IndicatorQuery"/>):
/// the database groups and counts per LA of the subject's scope (its region, or England); only one row per LA and
/// stratum comes back. The subject's figures are the sums over its LAs, and the suppression decisions are made from the
/// same per-LA counts, so an LA's report withholds exactly what its region's report withholds for it. Counting rules
/// are those of the reference <see cref="IndicatorEvaluator"/>, which builds the MeasureReport from the counts returned
/// here, so scores and rounding are computed by the same code. The one deliberate difference: a continuous-variable
/// mean is computed exactly (sum of days ÷ (7 × n), one division) where the reference sums rounded weekly values; the
/// two can differ only when the exact mean lies on a rounding midpoint (x.x5), where this one is the correct
/// half-away-from-zero result.
/// </summary>
/// <remarks>
/// The per-LA counts of a scope are kept while the projection's version stays the same (<see cref="VersionedCountCache{T}"/>):
/// another LA of the same region, or the same LA again, reuses them and only sums its own leaves and re-decides
/// suppression. Any projection write moves the version, so the next request counts again.
/// </remarks>
public sealed partial class SqlIndicatorEvaluator
{
    /// <summary>Default bound of the count cache, in tallies (one per LA, stratum and indicator; about 200 bytes each, so ~60 MB).</summary>
    public const long DefaultCacheTallies = 300_000;

    private readonly FhirDbContextFactory contexts;
    private readonly TimeProvider clock;
    private readonly VersionedCountCache<ScopeCounts> cache;
    private readonly bool storedTallies;
    private readonly int storedQueries;
    private readonly ConcurrentDictionary<string, AskedReport> asked = new(StringComparer.Ordinal);
    private long countQueries;
    private long leavesCounted;
    private long suppressionDecisions;

    private readonly ILogger logger;

    public SqlIndicatorEvaluator(FhirDbContextFactory contexts, StorageOptions options, TimeProvider clock, ILogger<SqlIndicatorEvaluator>? logger = null)
    {
        this.logger = logger ?? NullLogger<SqlIndicatorEvaluator>.Instance;
        this.contexts = contexts;
        this.clock = clock;
        storedTallies = options.IndicatorTallies;
        storedQueries = Math.Max(1, options.IndicatorStoredQueries);
        cache = new VersionedCountCache<ScopeCounts>(options.IndicatorCacheTallies, c => c.Tallies);
    }

    /// <summary>Count queries run over the projection rows (a reused or stored count runs none): what tests and operators can watch.</summary>
    public long CountQueries => Interlocked.Read(ref countQueries);

    /// <summary>Leaves (LAs) whose rows were counted, over all count queries; with stored tallies, only leaves written since their last count.</summary>
    public long LeavesCounted => Interlocked.Read(ref leavesCounted);

    /// <summary>Suppression decisions made (one per indicator and scope); with stored tallies, decisions over unchanged counts are read instead.</summary>
    public long SuppressionDecisionsMade => Interlocked.Read(ref suppressionDecisions);

    /// <summary>Count queries answered from counts taken earlier at the same projection version.</summary>
    public long ReusedCounts => cache.Hits;

    public async Task<SqlIndicatorResult> EvaluateAsync(IndicatorDefinition indicator, ReportingPeriod period, ReportSubject subject, GeographyHierarchy hierarchy,
        long? residentPopulation = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        return (await EvaluateManyAsync([indicator], period, subject, hierarchy, _ => residentPopulation, ct))[0];
    }

    /// <summary>
    /// Several indicators for one subject and period, in the order given. Indicators that share their initial population
    /// and stratifiers (<see cref="IndicatorQuery.SharingKey"/>) are counted by one query: the nine over plans in place
    /// on the census day read and group their rows once, not nine times. Each result is exactly what
    /// <see cref="EvaluateAsync"/> gives for that indicator.
    /// </summary>
    public async Task<IReadOnlyList<SqlIndicatorResult>> EvaluateManyAsync(IReadOnlyList<IndicatorDefinition> indicators, ReportingPeriod period,
        ReportSubject subject, GeographyHierarchy hierarchy, Func<IndicatorDefinition, long?> residentPopulation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(indicators);
        ArgumentNullException.ThrowIfNull(hierarchy);
        var scope = hierarchy.ScopeOf(subject);
        var results = new Dictionary<IndicatorDefinition, SqlIndicatorResult>(ReferenceEqualityComparer.Instance);
        // Read before any count: counts taken afterwards include at least this version's writes, so storing them under it is safe.
        var version = await ProjectionVersion.ReadAsync(contexts, ct);
        // Each LA's write counter, read once for the request (at the first count statement that is not reused in memory).
        Task<Dictionary<string, long>>? leafVersions = null;
        Task<Dictionary<string, long>> LeafVersionsAsync() => leafVersions ??= LeafVersions.ReadAsync(contexts, CancellationToken.None);
        foreach (var group in indicators.Distinct().GroupBy(IndicatorQuery.SharingKey, StringComparer.Ordinal))
        {
            var query = new IndicatorQuery(group.ToList(), period, scope, groupingSets: contexts.Provider == StorageProvider.Postgres);
            var tallied = storedTallies ? TalliedQuery.Of(query.Indicators, period, contexts.Provider) : null;
            if (tallied is not null) Remember(new AskedReport(tallied, scope, hierarchy));
            var counts = await cache.GetOrAddAsync(CacheKey(query), version,
                async () => tallied is not null ? await TalliedCountAsync(tallied, scope, await LeafVersionsAsync()) : await CountAsync(query), ct);
            await DecideAsync(counts, query, period, scope, hierarchy);
            for (var i = 0; i < counts.Leaves.Count; i++)
                results[query.Indicators[i]] = Assemble(query, i, counts, period, subject, scope, hierarchy, residentPopulation(query.Indicators[i]));
        }

        return indicators.Select(i => results[i]).ToList();
    }

    /// <summary>
    /// What determines a count query's answer besides the data: its SQL (indicators, populations, stratifiers, scope,
    /// provider) and its parameters (period, scope codes).
    /// </summary>
    private static string CacheKey(IndicatorQuery query) =>
        query.SummarySql() + "\n" + string.Join(";", query.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + (p.Value is IConvertible scalar
                ? scalar.ToString(System.Globalization.CultureInfo.InvariantCulture)
                // A list would print as its type name and two scopes could share a key: refuse rather than serve the wrong counts.
                : throw new InvalidOperationException($"Count query parameter '{p.Key}' is not a scalar; its cache key would be ambiguous."))));

    /// <summary>Runs one count query over the projection rows: each indicator's tallies per LA of the scope.</summary>
    private async Task<ScopeCounts> CountAsync(IndicatorQuery query)
    {
        var countedAt = clock.GetUtcNow();
        return ScopeCounts.From(await CountLeavesAsync(query), query.Indicators.Count, countedAt);
    }

    /// <summary>
    /// The scope's counts from the stored tallies (<see cref="StoredTallies"/>): the leaves written since their tally was
    /// counted (and those never counted) are counted again, in one query over their rows only, and stored; the others
    /// are read as stored. Every write committed before the leaves' counters were read is included, as with a full count.
    /// </summary>
    /// <param name="versions">Every LA's write counter, read before this call: a tally at least this new includes every write up to it.</param>
    private async Task<ScopeCounts> TalliedCountAsync(TalliedQuery tallied, ReportSubject scope, IReadOnlyDictionary<string, long> versions)
    {
        // No caller's token, as in CountAsync: the work may be shared by concurrent requests.
        var ct = CancellationToken.None;
        var countedAt = clock.GetUtcNow();
        var indicators = tallied.Indicators;
        // A leaf that has never had rows has nothing to count (and no counter).
        var leaves = scope.LaCodes is null ? versions.Keys.ToList() : scope.LaCodes.Where(versions.ContainsKey).ToList();
        var stored = await StoredTallies.ReadAsync(contexts, tallied.Key, scope.LaCodes is null ? null : leaves, indicators.Count, ct);
        var used = new Dictionary<string, LeafCounts>(StringComparer.Ordinal);
        var stale = new List<string>();
        foreach (var leaf in leaves)
        {
            if (stored.TryGetValue(leaf, out var tally) && tally.Writes >= versions[leaf]) used[leaf] = tally;
            else stale.Add(leaf);
        }

        if (stale.Count > 0)
        {
            foreach (var (leaf, tally) in await CountAndStoreAsync(tallied, stale, versions, countedAt)) used.TryAdd(leaf, tally);
        }

        return ScopeCounts.From(used.ToDictionary(u => u.Key, u => u.Value.Indicators, StringComparer.Ordinal), indicators.Count, countedAt) with
        {
            QueryKey = tallied.Key,
        };
    }

    /// <summary>
    /// Counts the stale leaves in one query over their rows and stores their tallies at the counters read before;
    /// returns what was counted (a stale leaf without rows in the initial population as no tallies).
    /// </summary>
    private async Task<Dictionary<string, LeafCounts>> CountAndStoreAsync(TalliedQuery tallied, IReadOnlyList<string> stale,
        IReadOnlyDictionary<string, long> versions, DateTimeOffset countedAt)
    {
        // Every leaf stale (the first report after a load or a rebuild): one pass over every row, without a leaf list.
        var query = stale.Count == versions.Count ? tallied.EveryLeaf : IndicatorQuery.ForLeaves(tallied.Indicators, tallied.Period, stale, tallied.EveryLeaf.GroupingSets);
        var counted = (await CountLeavesAsync(query)).ToDictionary(c => c.Key,
            c => new LeafCounts(versions.GetValueOrDefault(c.Key), countedAt.ToUnixTimeMilliseconds(), c.Value), StringComparer.Ordinal);
        var fresh = new Dictionary<string, LeafCounts>(StringComparer.Ordinal);
        foreach (var leaf in stale)
        {
            // A leaf without rows in the initial population is stored as such, so it is not counted again.
            if (!counted.TryGetValue(leaf, out var tally)) counted[leaf] = tally = new LeafCounts(versions[leaf], countedAt.ToUnixTimeMilliseconds(), []);
            fresh[leaf] = tally;
        }

        // Counted over every row, a leaf no counter names (rows a writer put in without counting them) is reported, not stored.
        await TryStoreAsync("tallies", () => StoredTallies.WriteAsync(contexts, tallied.Key, fresh, storedQueries, CancellationToken.None));
        return counted;
    }

    /// <summary>
    /// The background side of the stored tallies (<c>IndicatorTallyRefresher</c> calls it after projection writes): for
    /// the count queries reports asked for lately, counts and stores the LAs written since their tallies were counted,
    /// then decides and stores the suppression of every scope (England, each region) whose counts changed, so the next
    /// report of any LA, region or England reads both. Returns the leaves counted.
    /// </summary>
    public async Task<int> RefreshStaleAsync(CancellationToken ct = default)
    {
        if (!storedTallies || asked.IsEmpty) return 0;
        var countedAt = clock.GetUtcNow();
        var versions = await LeafVersions.ReadAsync(contexts, ct);
        var refreshed = 0;
        var reports = asked.Values.ToList();
        // Every stale leaf of each count query in one statement (not scope by scope: regions share England's leaves).
        foreach (var tallied in reports.Select(r => r.Query).DistinctBy(q => q.Key))
        {
            ct.ThrowIfCancellationRequested();
            var stored = await StoredTallies.WritesAsync(contexts, tallied.Key, ct);
            var stale = versions.Where(v => !stored.TryGetValue(v.Key, out var writes) || writes < v.Value).Select(v => v.Key).ToList();
            if (stale.Count == 0) continue;
            await CountAndStoreAsync(tallied, stale, versions, countedAt);
            refreshed += stale.Count;
        }

        // Then the decisions of every scope (England and each region) of each count query: read back when the scope's
        // counts are unchanged (a hash compare), made and stored otherwise, so that the first report of a region nobody
        // asked for since the write does not decide it either. After a write to one LA, two scopes decide again.
        foreach (var report in reports.DistinctBy(r => r.Query.Key))
        {
            foreach (var scope in report.Hierarchy.Regions.Prepend(ReportSubject.England))
            {
                ct.ThrowIfCancellationRequested();
                var counts = await TalliedCountAsync(report.Query, scope, versions);
                var query = new IndicatorQuery(report.Query.Indicators, report.Query.Period, scope, report.Query.EveryLeaf.GroupingSets);
                await DecideAsync(counts, query, report.Query.Period, scope, report.Hierarchy);
            }
        }

        return refreshed;
    }

    /// <summary>Keeps the reports asked for, for <see cref="RefreshStaleAsync"/>; bounded (forgotten all at once past it: a rare reset, not an LRU).</summary>
    private void Remember(AskedReport report)
    {
        var key = report.Query.Key + "\n" + report.Scope.Code;
        if (asked.Count >= RememberedReports && !asked.ContainsKey(key)) asked.Clear();
        asked[key] = report;
    }

    /// <summary>How many (count query, scope) pairs <see cref="RefreshStaleAsync"/> keeps current: one per count statement of the catalogue, times the scopes and periods in use.</summary>
    public const int RememberedReports = 512;

    /// <summary>A report asked for: its count query, the scope its suppression is decided over, and the geography.</summary>
    private sealed record AskedReport(TalliedQuery Query, ReportSubject Scope, GeographyHierarchy Hierarchy);

    /// <summary>A count query as stored tallies know it: the indicators and period, the query over every row, and its key.</summary>
    private sealed record TalliedQuery(IReadOnlyList<IndicatorDefinition> Indicators, ReportingPeriod Period, IndicatorQuery EveryLeaf, string Key)
    {
        public static TalliedQuery Of(IReadOnlyList<IndicatorDefinition> indicators, ReportingPeriod period, StorageProvider provider)
        {
            var everyLeaf = IndicatorQuery.ForLeaves(indicators, period, null, provider == StorageProvider.Postgres);
            return new TalliedQuery(indicators, period, everyLeaf, StoredTallies.KeyOf(everyLeaf));
        }
    }

    /// <summary>
    /// Makes sure the scope's suppression is decided for every indicator of the query: read from the store when the
    /// same counts were decided before (<see cref="StoredDecisions"/>), otherwise decided here, the indicators side by side
    /// on the cores (each decision is independent and CPU-bound), and stored.
    /// </summary>
    private async Task DecideAsync(ScopeCounts counts, IndicatorQuery query, ReportingPeriod period, ReportSubject scope, GeographyHierarchy hierarchy)
    {
        var n = query.Indicators.Count;
        if (counts.IsDecided(query, period, scope, hierarchy)) return;
        string? hash = null;
        if (counts is { QueryKey: { } key })
        {
            hash = StoredDecisions.HashOf(scope.Code, hierarchy, counts.Leaves);
            if (await StoredDecisions.ReadAsync(contexts, key, scope.Code, hash, n, CancellationToken.None) is { } stored)
            {
                for (var i = 0; i < n; i++) counts.Provide(query, i, period, scope, hierarchy, stored[i]);
                return;
            }
        }

        var decided = new SuppressionDecisions[n];
        Parallel.For(0, n, i => decided[i] = counts.Suppression(query, i, period, scope, hierarchy));
        Interlocked.Add(ref suppressionDecisions, n);
        if (hash is not null) await TryStoreAsync("suppression decisions", () => StoredDecisions.WriteAsync(contexts, counts.QueryKey!, scope.Code, hash, decided, CancellationToken.None));
    }

    /// <summary>
    /// Stores what a report computed for the next ones (tallies, decisions): a cache, so a failure (the SQLite writer
    /// busy past its timeout under an import, a PostgreSQL failover) is logged and the report is answered from what it
    /// computed; the next report computes and tries again. Without this a dashboard read failed whenever the write did.
    /// </summary>
    private async Task TryStoreAsync(string what, Func<Task> store)
    {
        try
        {
            await store();
        }
        catch (DbException ex)
        {
            LogStoreFailed(ex, what);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indicator {What} could not be stored; the report is answered from what it counted, and the next one counts again")]
    private partial void LogStoreFailed(Exception ex, string what);

    /// <summary>Runs a count query; per leaf that has rows, each indicator's tallies.</summary>
    private async Task<Dictionary<string, LeafTally[]>> CountLeavesAsync(IndicatorQuery query)
    {
        Interlocked.Increment(ref countQueries);
        var leaves = new Dictionary<string, LeafTally[]>(StringComparer.Ordinal);
        await using var db = contexts.Create();
        // No caller's token: the query may be shared by concurrent requests (see VersionedCountCache).
        await using var command = await CommandAsync(db, query.SummarySql(), query.Parameters, CancellationToken.None);
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        while (await reader.ReadAsync(CancellationToken.None))
        {
            var leaf = reader.GetString(query.MinAtColumn + 2);
            var stratifier = reader.GetString(0);
            if (!leaves.TryGetValue(leaf, out var tallies))
            {
                leaves[leaf] = tallies = query.Indicators.Select(_ => new LeafTally()).ToArray();
                Interlocked.Increment(ref leavesCounted);
            }

            for (var i = 0; i < tallies.Length; i++)
            {
                var row = Tally.Read(reader, IndicatorQuery.CountColumn(i), query.MinAtColumn);
                if (stratifier.Length == 0) tallies[i].Total.Add(row);
                else tallies[i].Stratum(stratifier, reader.GetString(1)).Add(row);
            }
        }

        return leaves;
    }

    /// <summary>One count query's answer, never modified once read: per indicator, each LA's tallies; and when it was asked.</summary>
    private sealed record ScopeCounts(IReadOnlyList<SortedDictionary<string, LeafTally>> Leaves, DateTimeOffset CountedAt)
    {
        private readonly ConcurrentDictionary<SuppressionKey, Lazy<SuppressionDecisions>> _decided = new();

        /// <summary>With stored tallies: the count query's key (decisions are stored under it).</summary>
        public string? QueryKey { get; init; }

        public bool IsDecided(IndicatorQuery query, ReportingPeriod period, ReportSubject scope, GeographyHierarchy hierarchy) =>
            query.Indicators.All(i => _decided.ContainsKey(new SuppressionKey(i, period, scope.Code, hierarchy)));

        /// <summary>Decisions read from the store for these counts.</summary>
        public void Provide(IndicatorQuery query, int i, ReportingPeriod period, ReportSubject scope, GeographyHierarchy hierarchy, SuppressionDecisions decisions) =>
            _decided.TryAdd(new SuppressionKey(query.Indicators[i], period, scope.Code, hierarchy), new Lazy<SuppressionDecisions>(decisions));

        /// <summary>From per-leaf tallies (a leaf with none had no rows and is left out, as a count query leaves it out).</summary>
        public static ScopeCounts From(IReadOnlyDictionary<string, LeafTally[]> byLeaf, int indicators, DateTimeOffset countedAt)
        {
            var leaves = Enumerable.Range(0, indicators).Select(_ => new SortedDictionary<string, LeafTally>(StringComparer.Ordinal)).ToList();
            foreach (var (leaf, tallies) in byLeaf)
            {
                for (var i = 0; i < tallies.Length; i++) leaves[i][leaf] = tallies[i];
            }

            return new ScopeCounts(leaves, countedAt);
        }

        /// <summary>What the cache weighs it by.</summary>
        public long Tallies => Leaves.Sum(l => l.Values.Sum(t => 1L + t.Strata.Count));

        /// <summary>
        /// The scope's suppression, decided once per indicator over these counts: it is the same for every report of the
        /// scope, and deciding it (a search over every cell of every LA) costs more than summing one LA's leaves.
        /// </summary>
        public SuppressionDecisions Suppression(IndicatorQuery query, int i, ReportingPeriod period, ReportSubject scope, GeographyHierarchy hierarchy) =>
            _decided.GetOrAdd(new SuppressionKey(query.Indicators[i], period, scope.Code, hierarchy), _ => new Lazy<SuppressionDecisions>(() =>
                HierarchicalSuppression.Decide(query.Indicators[i], hierarchy, scope,
                    Leaves[i].ToDictionary(l => l.Key, l => l.Value.Result(query, i, period), StringComparer.Ordinal)))).Value;
    }

    /// <summary>What a scope's suppression depends on besides its counts (the hierarchy by reference: it is built once per release loaded).</summary>
    private sealed record SuppressionKey(IndicatorDefinition Indicator, ReportingPeriod Period, string Scope, GeographyHierarchy Hierarchy);

    /// <summary>One indicator's report figures (the sums over the subject's leaves) and the suppression decided over the scope.</summary>
    private static SqlIndicatorResult Assemble(IndicatorQuery query, int i, ScopeCounts counts, ReportingPeriod period,
        ReportSubject subject, ReportSubject scope, GeographyHierarchy hierarchy, long? residentPopulation)
    {
        var leaves = counts.Leaves[i];
        var indicator = query.Indicators[i];
        var covered = leaves.Where(l => GeographyHierarchy.Covers(subject, l.Key)).ToList();
        var total = new Tally();
        foreach (var (_, leaf) in covered) total.Add(leaf.Total);
        var stratifiers = indicator.Stratifiers.Select(s => new StratifierResult(s, s.Code == Stratifiers.LocalAuthority.Code
                ? covered.Select(l => new StratumResult(l.Key, Result(query, i, l.Value.Total, null))).ToList()
                : covered.SelectMany(l => l.Value.Strata.Where(x => x.Key.Stratifier == s.Code))
                    .GroupBy(x => x.Key.Stratum, StringComparer.Ordinal)
                    .Select(g => new StratumResult(g.Key, Result(query, i, Tally.Sum(g.Select(x => x.Value)), null)))
                    .OrderBy(r => r.Value, StringComparer.Ordinal).ToList()))
            .ToList();
        var result = new IndicatorResult(indicator, period, subject,
            Result(query, i, total, indicator.ExternalDenominator ? residentPopulation : null), stratifiers);

        var suppression = counts.Suppression(query, i, period, scope, hierarchy);
        return new SqlIndicatorResult(result, suppression,
            total.MinAt is { } min ? DateTimeOffset.FromUnixTimeMilliseconds(min) : null,
            total.MaxAt is { } max ? DateTimeOffset.FromUnixTimeMilliseconds(max) : null, counts.CountedAt);
    }

    /// <summary>The distinct children (Patient ids) in each population of the total, for a subject-list report.</summary>
    public async Task<IndicatorSubjects> SubjectsAsync(IndicatorDefinition indicator, ReportingPeriod period, ReportSubject subject, CancellationToken ct = default)
    {
        var query = new IndicatorQuery(indicator, period, subject);
        var lists = new Dictionary<PopulationKind, List<CountedRow>> { [PopulationKind.InitialPopulation] = [] };
        foreach (var kind in query.CountedKinds) lists[kind] = [];
        await using var db = contexts.Create();
        await using var command = await CommandAsync(db, query.SubjectListSql(), query.Parameters, ct);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (PopulationKinds.FromCode(reader.GetString(0)) is { } kind) lists[kind].Add(new CountedRow(reader.GetString(1), reader.GetString(2)));
        }

        return new IndicatorSubjects(lists.ToDictionary(kv => kv.Key,
            kv => (IReadOnlyList<CountedRow>)kv.Value.OrderBy(r => r.ChildId, StringComparer.Ordinal).ThenBy(r => r.RowId, StringComparer.Ordinal).ToList()));
    }

    private static Dictionary<PopulationKind, int> Counts(IndicatorQuery query, int i, Tally tally)
    {
        var counts = new Dictionary<PopulationKind, int> { [PopulationKind.InitialPopulation] = checked((int)tally.Values[0]) };
        foreach (var kind in query.CountedKindsOf(i))
        {
            counts[kind] = checked((int)tally.Values[kind switch
            {
                PopulationKind.Denominator => 1,
                PopulationKind.DenominatorExclusion => 2,
                PopulationKind.Numerator => 3,
                PopulationKind.MeasurePopulation => 4,
                PopulationKind.MeasurePopulationExclusion => 5,
                _ => throw new InvalidOperationException(),
            }]);
        }

        return counts;
    }

    /// <summary>Scores exactly as the reference scores them (<see cref="IndicatorEvaluator"/>), from the counts.</summary>
    internal static PopulationResult Result(IndicatorQuery query, int i, Tally tally, long? external)
    {
        var indicator = query.Indicators[i];
        var counts = Counts(query, i, tally);
        decimal? score = null;
        switch (indicator.Scoring)
        {
            case IndicatorScoring.Proportion:
                score = Divide(counts[PopulationKind.Numerator], counts[PopulationKind.Denominator] - counts.GetValueOrDefault(PopulationKind.DenominatorExclusion), indicator.Multiplier);
                break;
            case IndicatorScoring.Ratio:
                if (indicator.ExternalDenominator)
                {
                    if (external is { } d) counts[PopulationKind.Denominator] = checked((int)d);
                    else counts.Remove(PopulationKind.Denominator);
                }

                score = counts.TryGetValue(PopulationKind.Denominator, out var den) ? Divide(counts[PopulationKind.Numerator], den, indicator.Multiplier) : null;
                break;
            case IndicatorScoring.ContinuousVariable:
                var n = tally.Values[7];
                score = n == 0 ? null : IndicatorEvaluator.Round(tally.Values[6] / (query.ObservationDivisorOf(i) * n));
                break;
        }

        return new PopulationResult(counts, score);
    }

    private static decimal? Divide(long numerator, long denominator, decimal multiplier) =>
        denominator == 0 ? null : IndicatorEvaluator.Round(multiplier * numerator / denominator);

    private static async Task<DbCommand> CommandAsync(FhirDbContext db, string sql, IReadOnlyDictionary<string, object> parameters, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(ct);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        return command;
    }
}
