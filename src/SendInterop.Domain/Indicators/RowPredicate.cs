namespace SendInterop.Domain.Indicators;

/// <summary>
/// A named test of one projection row in one period. The name is what a Measure's criteria expression says and what
/// the SQL implementation must implement with exactly the meaning of <see cref="Description"/>; the function is the
/// in-memory reference the SQL is tested against. A predicate is false for rows of other kinds.
/// </summary>
public sealed record RowPredicate(string Name, string Description, Func<ProjectionRow, ReportingPeriod, bool> Test)
{
    public override string ToString() => Name;
}

/// <summary>A named value taken from a row for a continuous-variable indicator (null: no observation).</summary>
public sealed record RowObservation(string Name, string Description, Func<ProjectionRow, decimal?> Value);

/// <summary>FHIR measure-population codes used by the catalogue.</summary>
public enum PopulationKind
{
    InitialPopulation,
    Denominator,
    DenominatorExclusion,
    Numerator,
    MeasurePopulation,
    MeasurePopulationExclusion,
}

public static class PopulationKinds
{
    public static string Code(PopulationKind kind) => kind switch
    {
        PopulationKind.InitialPopulation => "initial-population",
        PopulationKind.Denominator => "denominator",
        PopulationKind.DenominatorExclusion => "denominator-exclusion",
        PopulationKind.Numerator => "numerator",
        PopulationKind.MeasurePopulation => "measure-population",
        PopulationKind.MeasurePopulationExclusion => "measure-population-exclusion",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static PopulationKind? FromCode(string? code) =>
        Enum.GetValues<PopulationKind>().Select(k => (PopulationKind?)k).FirstOrDefault(k => Code(k!.Value) == code);
}

/// <summary>
/// One population of an indicator: a row belongs when every predicate holds (an empty list: when the population is
/// supplied from outside, as the 0-25 resident population is).
/// </summary>
public sealed record PopulationCriterion(PopulationKind Kind, string Description, IReadOnlyList<RowPredicate> AllOf)
{
    /// <summary>The criteria expression: predicate names joined by " and ".</summary>
    public string Expression => AllOf.Count == 0 ? Predicates.ExternalPopulation : string.Join(" and ", AllOf.Select(p => p.Name));

    public bool Includes(ProjectionRow row, ReportingPeriod period) => AllOf.All(p => p.Test(row, period));
}
