using Hl7.Fhir.Model;

namespace SendInterop.Domain.Indicators;

/// <summary>Why a published value was withheld.</summary>
public enum SuppressionReason
{
    /// <summary>The count itself is 1 to 5.</summary>
    Primary,

    /// <summary>The count is the complement of a small number: denominator − exclusions − numerator is 1 to 5.</summary>
    Complement,

    /// <summary>The count would let a withheld count be worked out from the total (within a stratifier).</summary>
    Secondary,

    /// <summary>A score computed from a withheld count.</summary>
    DerivedScore,
}

/// <summary>
/// Small-number suppression for published aggregates (issue 5, point 3). Applied to a summary MeasureReport, it returns
/// a copy where:
/// <list type="number">
/// <item>primary: every population count from 1 to 5 is withheld (0 is shown: an empty cell discloses nobody);</item>
/// <item>complement: where denominator − denominator-exclusion − numerator is 1 to 5 (a handful who did NOT meet the
/// measure), the numerator is withheld, since numerator and denominator together would give it away;</item>
/// <item>secondary: within a stratifier, for each population whose group count is shown, while exactly one stratum is
/// withheld, or the withheld strata add up to 1-5 (the total minus the shown strata would reveal that sum), the smallest
/// shown non-zero stratum is withheld too (ties: the first in stratum order);</item>
/// <item>a score is withheld when any count of its group or stratum is withheld (a rate and its denominator give the numerator back).</item>
/// </list>
/// Rules 2-4 repeat until nothing changes. A withheld value has no value and carries data-absent-reason "masked" plus
/// the reason (<see cref="IndicatorCanonical.Extensions.SuppressionReason"/>); the report says the rule was applied.
/// <para><see cref="Apply(MeasureReport)"/> protects one report on its own, which is not enough when the reports of an
/// LA, its neighbours and its region are all published (their differences give withheld counts back); $evaluate-measure
/// therefore applies decisions made over the whole geography (<see cref="HierarchicalSuppression"/>) with
/// <see cref="Apply(MeasureReport, ReportSubject, SuppressionDecisions)"/>.</para>
/// </summary>
public static class SmallNumberSuppression
{
    public const int Threshold = 5;

    public const string Rule = "Counts from 1 to 5, and any count or score from which one could be worked out from this report or the reports of other areas, are withheld (data-absent-reason masked).";

    public static bool IsSmall(int count) => count is >= 1 and <= Threshold;

    public static MeasureReport Apply(MeasureReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var copy = (MeasureReport)report.DeepCopy();
        foreach (var group in copy.Group) ApplyToGroup(group);
        copy.Extension.RemoveAll(e => e.Url == IndicatorCanonical.Extensions.SuppressionApplied);
        copy.Extension.Add(new Extension(IndicatorCanonical.Extensions.SuppressionApplied, new FhirString(Rule)));
        return copy;
    }

    /// <summary>
    /// Applies decisions made over the whole geography (<see cref="HierarchicalSuppression"/>) to one subject's report:
    /// every report of the same indicator and period withholds the same cells, so none can be worked out from the
    /// others. A score is withheld when any count of its group or stratum is (a rate and its denominator give the
    /// numerator back).
    /// </summary>
    public static MeasureReport Apply(MeasureReport report, ReportSubject subject, SuppressionDecisions decisions)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(decisions);
        var copy = (MeasureReport)report.DeepCopy();
        var area = SuppressionDecisions.AreaOf(subject);
        foreach (var group in copy.Group)
        {
            var withheld = WriteDecisions(group.Population.Select(p => (Code(p.Code), (Action<Integer>)(i => p.CountElement = i))), decisions, area, "", "");
            if (withheld && group.MeasureScore is not null) group.MeasureScore = Masked<Quantity>(SuppressionReason.DerivedScore);
            foreach (var stratifier in group.Stratifier)
            {
                var stratifierCode = stratifier.Code.FirstOrDefault()?.Coding.FirstOrDefault()?.Code ?? "";
                foreach (var stratum in stratifier.Stratum)
                {
                    var value = stratum.Value?.Coding.FirstOrDefault()?.Code ?? "";
                    if (WriteDecisions(stratum.Population.Select(p => (Code(p.Code), (Action<Integer>)(i => p.CountElement = i))), decisions, area, stratifierCode, value)
                        && stratum.MeasureScore is not null)
                        stratum.MeasureScore = Masked<Quantity>(SuppressionReason.DerivedScore);
                }
            }
        }

        copy.Extension.RemoveAll(e => e.Url == IndicatorCanonical.Extensions.SuppressionApplied);
        copy.Extension.Add(new Extension(IndicatorCanonical.Extensions.SuppressionApplied, new FhirString(Rule)));
        return copy;
    }

    private static bool WriteDecisions(IEnumerable<(string Code, Action<Integer> Set)> populations, SuppressionDecisions decisions, string area, string stratifier, string stratum)
    {
        var any = false;
        foreach (var (code, set) in populations.ToList())
        {
            if (PopulationKinds.FromCode(code) is not { } kind || decisions.Reason(area, stratifier, stratum, kind) is not { } reason) continue;
            set(Masked<Integer>(reason));
            any = true;
        }

        return any;
    }

    /// <summary>Whether a count or score element was withheld by <see cref="Apply(MeasureReport)"/>.</summary>
    public static bool IsMasked(Element? element) =>
        element?.Extension.Any(e => e.Url == IndicatorCanonical.DataAbsentReasonExtension) == true;

    /// <summary>The reason a count or score was withheld, or null when it is shown.</summary>
    public static SuppressionReason? ReasonOf(Element? element) =>
        (element?.Extension.FirstOrDefault(e => e.Url == IndicatorCanonical.Extensions.SuppressionReason)?.Value as Code)?.Value switch
        {
            "primary" => SuppressionReason.Primary,
            "complement" => SuppressionReason.Complement,
            "secondary" => SuppressionReason.Secondary,
            "derived-score" => SuppressionReason.DerivedScore,
            _ => null,
        };

    /// <summary>The counts of one group or stratum, and what has been withheld from it.</summary>
    private sealed class Cell
    {
        public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SuppressionReason> Withheld { get; } = new(StringComparer.Ordinal);

        public bool ScoreWithheld { get; set; }

        public bool Shown(string code) => Counts.ContainsKey(code) && !Withheld.ContainsKey(code);

        public bool Withhold(string code, SuppressionReason reason) => Counts.ContainsKey(code) && Withheld.TryAdd(code, reason);
    }

    private static void ApplyToGroup(MeasureReport.GroupComponent group)
    {
        var total = CellOf(group.Population.Select(p => (Code(p.Code), p.Count)));
        var stratifiers = group.Stratifier
            .Select(s => s.Stratum.Select(st => CellOf(st.Population.Select(p => (Code(p.Code), p.Count)))).ToList())
            .ToList();
        var all = stratifiers.SelectMany(s => s).Prepend(total).ToList();

        // 1. Primary.
        foreach (var cell in all)
        {
            foreach (var (code, count) in cell.Counts.Where(c => IsSmall(c.Value)).ToList()) cell.Withhold(code, SuppressionReason.Primary);
        }

        // 2-4 until stable.
        bool changed;
        do
        {
            changed = false;
            foreach (var cell in all) changed |= Complement(cell);
            foreach (var strata in stratifiers) changed |= Secondary(total, strata);
            foreach (var cell in all)
            {
                if (!cell.ScoreWithheld && cell.Withheld.Count > 0)
                {
                    cell.ScoreWithheld = true;
                    changed = true;
                }
            }
        }
        while (changed);

        WriteBack(total, group.Population.Select(p => (Code(p.Code), (Action<Integer>)(i => p.CountElement = i))), group.MeasureScore, q => group.MeasureScore = q);
        for (var s = 0; s < group.Stratifier.Count; s++)
        {
            for (var k = 0; k < group.Stratifier[s].Stratum.Count; k++)
            {
                var stratum = group.Stratifier[s].Stratum[k];
                WriteBack(stratifiers[s][k], stratum.Population.Select(p => (Code(p.Code), (Action<Integer>)(i => p.CountElement = i))), stratum.MeasureScore, q => stratum.MeasureScore = q);
            }
        }
    }

    private static Cell CellOf(IEnumerable<(string Code, int? Count)> populations)
    {
        var cell = new Cell();
        foreach (var (code, count) in populations)
        {
            if (count is { } n) cell.Counts[code] = n;
        }

        return cell;
    }

    /// <summary>Rule 2: a small complement (denominator − exclusions − numerator) withholds the numerator.</summary>
    private static bool Complement(Cell cell)
    {
        if (!cell.Shown("numerator") || !cell.Counts.TryGetValue("denominator", out var denominator)) return false;
        var excluded = cell.Counts.GetValueOrDefault("denominator-exclusion");
        return IsSmall(denominator - excluded - cell.Counts["numerator"]) && cell.Withhold("numerator", SuppressionReason.Complement);
    }

    /// <summary>Rule 3, for every population code of the stratifier.</summary>
    private static bool Secondary(Cell total, IReadOnlyList<Cell> strata)
    {
        var changed = false;
        foreach (var code in total.Counts.Keys)
        {
            if (!total.Shown(code)) continue; // the total itself is hidden: nothing can be subtracted from it
            while (true)
            {
                var withheld = strata.Where(s => s.Counts.ContainsKey(code) && !s.Shown(code)).ToList();
                var sum = withheld.Sum(s => s.Counts[code]);
                if (withheld.Count == 0 || (withheld.Count > 1 && !IsSmall(sum))) break;
                var next = strata.Where(s => s.Shown(code) && s.Counts[code] > 0).OrderBy(s => s.Counts[code]).FirstOrDefault();
                if (next is null) break;
                next.Withhold(code, SuppressionReason.Secondary);
                changed = true;
            }
        }

        return changed;
    }

    private static void WriteBack(Cell cell, IEnumerable<(string Code, Action<Integer> Set)> populations, Quantity? score, Action<Quantity> setScore)
    {
        foreach (var (code, set) in populations)
        {
            if (cell.Withheld.TryGetValue(code, out var reason)) set(Masked<Integer>(reason));
        }

        if (cell.ScoreWithheld && score is not null) setScore(Masked<Quantity>(SuppressionReason.DerivedScore));
    }

    private static T Masked<T>(SuppressionReason reason) where T : Element, new()
    {
        var element = new T();
        element.Extension.Add(new Extension(IndicatorCanonical.DataAbsentReasonExtension, new Code("masked")));
        element.Extension.Add(new Extension(IndicatorCanonical.Extensions.SuppressionReason, new Code(reason switch
        {
            SuppressionReason.Primary => "primary",
            SuppressionReason.Complement => "complement",
            SuppressionReason.Secondary => "secondary",
            _ => "derived-score",
        })));
        return element;
    }

    private static string Code(CodeableConcept? concept) => concept?.Coding.FirstOrDefault()?.Code ?? "";
}
