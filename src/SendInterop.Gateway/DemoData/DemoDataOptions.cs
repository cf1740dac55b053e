namespace SendInterop.Gateway.DemoData;

/// <summary>The synthetic demo cohort, bound from the <c>DemoData</c> configuration section.</summary>
public sealed class DemoDataOptions
{
    public const string SectionName = "DemoData";

    /// <summary>
    /// Load the cohort at start-up when the store has no Patient yet. Defaults to true in the Development environment and
    /// false elsewhere (<see cref="DemoDataExtensions.AddDemoData"/> applies the default before binding configuration).
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>Number of children to generate.</summary>
    public int Children { get; set; } = SyntheticCohort.DefaultChildren;

    /// <summary>Seed for the generator: the same seed (and <see cref="AsOf"/>) always gives the same cohort.</summary>
    public int Seed { get; set; } = SyntheticCohort.DefaultSeed;

    /// <summary>The cohort's "today" (statuses, ages and overdue steps are as at this date). Null means <see cref="SyntheticCohort.DefaultAsOf"/>.</summary>
    public DateOnly? AsOf { get; set; }
}
