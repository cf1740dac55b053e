using Hl7.Fhir.Model;
using SendInterop.Domain.Indicators;

namespace SendInterop.Gateway.Tests.Indicators;

/// <summary>
/// A reader holding every summary report of one indicator and period that a commissioner can fetch (each LA, each
/// region, England; total and every stratifier), who knows how the figures add up and works out what was withheld.
/// Written independently of <see cref="HierarchicalSuppression"/>: it knows only the reports and the public rules
/// (a region is the sum of its LAs, England the sum of everything, strata add up to the total, denominator =
/// exclusions + numerator + complement, initial population = a population within it + the rest, zero when both have
/// the same criteria), and repeatedly solves any relation with one unknown. A leak is a count it can work out that
/// is from 1 to 5 and was not published: a withheld count, a count no report shows, or a complement.
/// </summary>
internal sealed class DerivationAttack
{
    public sealed record Leak(string Cell, long Value);

    private readonly Dictionary<string, long> _truth = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string> _virtual = new(StringComparer.Ordinal);
    private readonly HashSet<string> _complements = new(StringComparer.Ordinal);
    private readonly List<string[]> _relations = [];

    /// <param name="truth">Every leaf's (LA code or "unknown") true counts, for checking what is worked out.</param>
    /// <param name="published">Every report fetched, with its subject.</param>
    public DerivationAttack(IndicatorDefinition indicator, IReadOnlyList<ReportSubject> regions, IReadOnlyDictionary<string, IndicatorResult> truth,
        IEnumerable<(ReportSubject Subject, MeasureReport Report)> published)
    {
        var kinds = new List<PopulationKind> { PopulationKind.InitialPopulation };
        kinds.AddRange(indicator.Populations.Select(p => p.Kind)
            .Where(k => k != PopulationKind.InitialPopulation && !(k == PopulationKind.Denominator && indicator.ExternalDenominator)));
        var pops = kinds.Select(PopulationKinds.Code).ToList();
        var stratifiers = indicator.Stratifiers.Where(s => s.Code != "local-authority").Select(s => s.Code).ToList();
        var columns = new List<(string S, string V)> { ("", "") };
        foreach (var s in stratifiers)
        {
            columns.AddRange(truth.Values.SelectMany(t => t.Stratifiers.Where(x => x.Stratifier.Code == s).SelectMany(x => x.Strata).Select(x => x.Value))
                .Distinct().Order(StringComparer.Ordinal).Select(v => (s, v)));
        }

        var leaves = truth.Keys.Order(StringComparer.Ordinal).ToList();
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var region in regions) children[region.Code] = leaves.Where(l => region.LaCodes!.Contains(l)).ToList();
        children[ReportSubject.EnglandCode] = [.. regions.Select(r => r.Code), .. leaves.Where(l => !regions.Any(r => r.LaCodes!.Contains(l)))];
        var areas = leaves.Concat(regions.Select(r => r.Code)).Append(ReportSubject.EnglandCode).ToList();

        // Parts within a cell, as the Measure's populations say; remainders are never published.
        var splits = new List<(string Whole, string[] Parts, string Remainder, bool Complement, bool Zero)>();
        bool Same(PopulationKind a, PopulationKind b) =>
            indicator.Population(a)!.AllOf.Select(p => p.Name).ToHashSet().SetEquals(indicator.Population(b)!.AllOf.Select(p => p.Name));
        void Within(PopulationKind whole, PopulationKind part) =>
            splits.Add((PopulationKinds.Code(whole), [PopulationKinds.Code(part)], $"rest({PopulationKinds.Code(whole)}-{PopulationKinds.Code(part)})", false, Same(whole, part)));
        switch (indicator.Scoring)
        {
            case IndicatorScoring.Proportion:
                Within(PopulationKind.InitialPopulation, PopulationKind.Denominator);
                splits.Add(("denominator", kinds.Contains(PopulationKind.DenominatorExclusion) ? ["denominator-exclusion", "numerator"] : ["numerator"], "complement", true, false));
                break;
            case IndicatorScoring.Ratio:
                Within(PopulationKind.InitialPopulation, PopulationKind.Numerator);
                if (!indicator.ExternalDenominator) Within(PopulationKind.InitialPopulation, PopulationKind.Denominator);
                break;
            case IndicatorScoring.ContinuousVariable:
                Within(PopulationKind.InitialPopulation, PopulationKind.MeasurePopulation);
                if (kinds.Contains(PopulationKind.MeasurePopulationExclusion)) Within(PopulationKind.MeasurePopulation, PopulationKind.MeasurePopulationExclusion);
                break;
        }

        var allPops = pops.Concat(splits.Select(s => s.Remainder)).ToList();

        // Truth: leaves from the data, parents as sums.
        foreach (var leaf in leaves)
        {
            foreach (var (s, v) in columns)
            {
                var result = s.Length == 0 ? truth[leaf].Total : truth[leaf].Stratifiers.First(x => x.Stratifier.Code == s).Strata.FirstOrDefault(x => x.Value == v)?.Result;
                foreach (var kind in kinds) _truth[Key(leaf, s, v, PopulationKinds.Code(kind))] = result?.Count(kind) ?? 0;
                foreach (var split in splits)
                {
                    _truth[Key(leaf, s, v, split.Remainder)] = _truth[Key(leaf, s, v, split.Whole)] - split.Parts.Sum(p => _truth[Key(leaf, s, v, p)]);
                }
            }
        }

        foreach (var parent in regions.Select(r => r.Code).Append(ReportSubject.EnglandCode))
        {
            foreach (var (s, v) in columns)
            {
                foreach (var p in allPops) _truth[Key(parent, s, v, p)] = children[parent].Sum(c => _truth[Key(c, s, v, p)]);
            }
        }

        foreach (var area in areas)
        {
            foreach (var (s, v) in columns)
            {
                foreach (var split in splits)
                {
                    var remainder = Key(area, s, v, split.Remainder);
                    _virtual.Add(remainder);
                    if (split.Complement) _complements.Add(remainder);
                    if (split.Zero) _known[remainder] = 0;
                }
            }
        }

        // What the reports show. A stratum missing from a report has no rows: every count in it is 0.
        foreach (var (subject, report) in published)
        {
            var area = subject.Level == GeographyLevel.National ? ReportSubject.EnglandCode : subject.Code;
            var group = report.Group.Single();
            Learn(area, "", "", group.Population.Select(p => (p.Code.Coding[0].Code, p.CountElement)));
            foreach (var stratifier in group.Stratifier)
            {
                var code = stratifier.Code[0].Coding[0].Code;
                foreach (var stratum in stratifier.Stratum)
                {
                    var value = stratum.Value.Coding[0].Code;
                    var populations = stratum.Population.Select(p => (p.Code.Coding[0].Code, p.CountElement));
                    if (code == "local-authority") Learn(value, "", "", populations);
                    else Learn(area, code, value, populations);
                }

                if (code == "local-authority") continue;
                foreach (var (s, v) in columns.Where(c => c.S == code && stratifier.Stratum.All(x => x.Value.Coding[0].Code != c.V)))
                {
                    foreach (var p in allPops) _known[Key(area, s, v, p)] = 0;
                }
            }
        }

        // Relations: parents are sums of children, totals of strata, wholes of parts.
        foreach (var (parent, kids) in children)
        {
            foreach (var (s, v) in columns)
            {
                foreach (var p in allPops) _relations.Add([Key(parent, s, v, p), .. kids.Select(k => Key(k, s, v, p))]);
            }
        }

        foreach (var area in areas)
        {
            foreach (var s in stratifiers)
            {
                foreach (var p in allPops) _relations.Add([Key(area, "", "", p), .. columns.Where(c => c.S == s).Select(c => Key(area, s, c.V, p))]);
            }

            foreach (var (s, v) in columns)
            {
                foreach (var split in splits)
                    _relations.Add([Key(area, s, v, split.Whole), .. split.Parts.Select(p => Key(area, s, v, p)), Key(area, s, v, split.Remainder)]);
            }
        }
    }

    /// <summary>How many counts were worked out (withheld, unpublished or remainders): the attack is doing something.</summary>
    public int Derived { get; private set; }

    /// <summary>Counts shown in a report that differ from the truth (must be none: the reports are the figures).</summary>
    public List<string> Mismatches { get; } = [];

    private static string Key(string area, string stratifier, string stratum, string population) => $"{area}|{stratifier}|{stratum}|{population}";

    private void Learn(string area, string stratifier, string stratum, IEnumerable<(string Code, Integer Count)> populations)
    {
        foreach (var (code, count) in populations)
        {
            if (count?.Value is not { } value) continue;
            var key = Key(area, stratifier, stratum, code);
            if (_truth.TryGetValue(key, out var truth) && truth != value) Mismatches.Add($"{key}: shown {value}, true {truth}");
            _known[key] = value;
        }
    }

    /// <summary>Solves relations with one unknown until none is left; returns what was learnt that must not be.</summary>
    public List<Leak> Run()
    {
        var leaks = new List<Leak>();
        bool progress;
        do
        {
            progress = false;
            foreach (var relation in _relations)
            {
                var unknown = relation.Where(k => !_known.ContainsKey(k)).ToList();
                if (unknown.Count != 1) continue;
                var cell = unknown[0];
                var whole = relation[0];
                var value = cell == whole
                    ? relation.Skip(1).Sum(k => _known[k])
                    : _known[whole] - relation.Skip(1).Where(k => k != cell).Sum(k => _known[k]);
                if (value != _truth[cell]) throw new InvalidOperationException($"The attack's arithmetic is wrong: {cell} worked out as {value}, true {_truth[cell]}.");
                _known[cell] = value;
                Derived++;
                progress = true;
                if (SmallNumberSuppression.IsSmall((int)value) && (!_virtual.Contains(cell) || _complements.Contains(cell))) leaks.Add(new Leak(cell, value));
            }
        }
        while (progress);

        return leaks;
    }
}
