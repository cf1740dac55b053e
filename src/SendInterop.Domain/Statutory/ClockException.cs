namespace SendInterop.Domain.Statutory;

/// <summary>
/// An exception (or delay reason) the LA recorded on one case: its kind and the days it covered, both ends included.
/// For a closure the days are the days the institution was shut (first closed day to the day before it reopened).
/// </summary>
public sealed record ClockException(ExceptionKind Kind, DateInterval Days, string? Note = null);

/// <summary>Which kind of institution a configured closure shuts (reg 10(4)(a) or (b)).</summary>
public enum ClosureScope
{
    /// <summary>Schools and post-16 institutions (reg 10(4)(a)).</summary>
    SchoolsAndColleges,

    /// <summary>Early years providers (reg 10(4)(b)).</summary>
    EarlyYearsProviders,
}

/// <summary>
/// A holiday closure the LA configures once for all its cases (summer, Christmas, ...): the first day institutions are
/// shut and the day they reopen. Only a closure of at least 4 continuous weeks can ground an exception; a shorter one
/// (Christmas, Easter) is kept so the clock can say why it was not applied.
/// </summary>
public sealed record HolidayClosure(ClosureScope Scope, DateOnly FirstDayClosed, DateOnly ReopensOn, string Label)
{
    /// <summary>The days the institutions are shut.</summary>
    public DateInterval ClosedDays => new(FirstDayClosed, ReopensOn.AddDays(-1));
}

/// <summary>Settings the LA configures once; the clock itself holds no state.</summary>
public sealed record StatutoryClockSettings
{
    public static StatutoryClockSettings Default { get; } = new();

    /// <summary>The LA's holiday closures (term dates), applied to every case under reg 10(4)(a)/(b).</summary>
    public IReadOnlyList<HolidayClosure> Closures { get; init; } = [];

    /// <summary>
    /// Infer the next standard phase transfer (into reception, year 7, year 12) from the child's date of birth when the
    /// record names none (DOMAIN.md 1.3). Off for LAs with middle schools, where the transfer years differ.
    /// </summary>
    public bool InferPhaseTransfers { get; init; } = true;
}
