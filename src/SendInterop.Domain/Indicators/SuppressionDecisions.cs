namespace SendInterop.Domain.Indicators;

/// <summary>
/// Which counts are withheld, cell by cell, for every area of a scope (<see cref="HierarchicalSuppression"/>). A cell
/// is (area, stratifier, stratum, population): the area is a leaf (LA code or "unknown"), a region code,
/// <see cref="GeographyHierarchy.RestOfEngland"/> or England's code; the total has stratifier and stratum "". The
/// local-authority stratifier is not stored: its stratum for an LA is that LA's total.
/// </summary>
public sealed class SuppressionDecisions
{
    private readonly Dictionary<(string Area, string Stratifier, string Stratum, PopulationKind Kind), SuppressionReason> _withheld;

    internal SuppressionDecisions(Dictionary<(string, string, string, PopulationKind), SuppressionReason> withheld) => _withheld = withheld;

    /// <summary>Decisions kept earlier (<see cref="Cells"/>) and read back: the same cells, the same reasons.</summary>
    public static SuppressionDecisions Restore(IEnumerable<(string Area, string Stratifier, string Stratum, PopulationKind Kind, SuppressionReason Reason)> cells) =>
        new(cells.ToDictionary(c => (c.Area, c.Stratifier, c.Stratum, c.Kind), c => c.Reason));

    /// <summary>Every withheld cell with its reason, in no particular order: what a store of decisions keeps.</summary>
    public IEnumerable<(string Area, string Stratifier, string Stratum, PopulationKind Kind, SuppressionReason Reason)> Cells =>
        _withheld.Select(w => (w.Key.Area, w.Key.Stratifier, w.Key.Stratum, w.Key.Kind, w.Value));

    /// <summary>Why a count is withheld, or null when it is shown.</summary>
    public SuppressionReason? Reason(string area, string stratifier, string stratum, PopulationKind kind)
    {
        if (stratifier == Stratifiers.LocalAuthority.Code) (area, stratifier, stratum) = (stratum, "", "");
        return _withheld.TryGetValue((area, stratifier, stratum, kind), out var reason) ? reason : null;
    }

    /// <summary>The area of a report subject in these decisions.</summary>
    public static string AreaOf(ReportSubject subject) => subject.Level == GeographyLevel.National ? ReportSubject.EnglandCode : subject.Code;

    /// <summary>Every withheld cell, sorted: to compare two evaluations of the same scope.</summary>
    public IReadOnlyList<string> Describe() =>
        _withheld.Select(w => $"{w.Key.Area}|{w.Key.Stratifier}|{w.Key.Stratum}|{PopulationKinds.Code(w.Key.Kind)}={w.Value}")
            .Order(StringComparer.Ordinal).ToList();
}
