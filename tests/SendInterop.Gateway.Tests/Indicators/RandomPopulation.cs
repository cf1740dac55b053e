using SendInterop.Domain.Indicators;
using SendInterop.Domain.Statutory;
using SendInterop.Storage.Indicators;

namespace SendInterop.Gateway.Tests.Indicators;

/// <summary>
/// A seeded random population of projection rows: a few hundred children in three LAs (and some with no LA), with
/// every fact the predicates test drawn at random, including the edges (29 February births, days exactly on period
/// bounds and on the 42/91/140-day limits, missing dates, unknown strata).
/// </summary>
public static class RandomPopulation
{
    public static readonly string?[] LaCodes = ["926", "935", "821", null];

    private static readonly string[] Needs = ["ASD", "SLCN", "SEMH", "MLD", "unknown"];
    private static readonly string[] Sexes = ["male", "female", "other", "unknown"];
    private static readonly string[] Ethnicities = ["white", "mixed", "asian", "black", "unknown"];
    private static readonly string[] Achievements = ["achieved", "improving", "sustaining", "in-progress", "no-change", "worsening"];

    public static IReadOnlyList<ChildProjection> Generate(int children, int seed) => Generate(children, seed, LaCodes);

    /// <summary>The same, with children drawn evenly from other LAs (null: no LA) and numbered from <paramref name="firstChild"/>.</summary>
    public static IReadOnlyList<ChildProjection> Generate(int children, int seed, IReadOnlyList<string?> laCodes, int firstChild = 0)
    {
        var random = new Random(seed);
        var result = new List<ChildProjection>(children);
        var origin = new DateOnly(2021, 6, 1);
        DateOnly Day(int range = 1900) => origin.AddDays(random.Next(range));
        DateOnly? Maybe(DateOnly? day, int percent = 70) => random.Next(100) < percent ? day : null;
        T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
        // Offsets that land on and around the statutory limits.
        int Gap() => random.Next(4) switch { 0 => Pick([41, 42, 43, 90, 91, 92, 139, 140, 141]), 1 => random.Next(0, 20), _ => random.Next(0, 400) };

        for (var c = firstChild; c < firstChild + children; c++)
        {
            var childKey = "Patient/c" + c.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
            DateOnly? birth = random.Next(10) switch
            {
                0 => null,
                1 => new DateOnly(Pick([2000, 2004, 2008, 2012, 2016, 2020]), 2, 29),
                2 => new DateOnly(Pick([1996, 1998, 2000]), Pick([1, 2, 12]), Pick([1, 16, 18, 28])),
                _ => new DateOnly(1998 + random.Next(28), 1 + random.Next(12), 1 + random.Next(28)),
            };
            var strata = new ChildStrata
            {
                LaCode = Pick(laCodes),
                BirthDate = birth,
                Sex = Pick(Sexes),
                Ethnicity = Pick(Ethnicities),
                PrimaryNeed = Pick(Needs),
                SettingType = Pick(Enum.GetValues<SettingType>()),
            };
            ChildStrata Strata() => random.Next(5) == 0 ? strata with { SettingType = Pick(Enum.GetValues<SettingType>()), LaCode = Pick(laCodes) } : strata;

            var cases = new List<CaseRow>();
            for (var i = random.Next(3); i > 0; i--)
            {
                var received = Day();
                var decided = Maybe(received.AddDays(Gap()), 75);
                var toAssess = decided is null ? (bool?)null : random.Next(3) > 0;
                cases.Add(new CaseRow
                {
                    RowId = $"ServiceRequest/{c}-{i}", ChildKey = childKey, Strata = Strata(),
                    Received = received, DecisionOn = decided, DecidedToAssess = toAssess,
                    DecidedNotToIssueOn = toAssess == true ? Maybe(decided!.Value.AddDays(Gap()), 20) : null,
                    PlanIssued = toAssess == true ? Maybe(received.AddDays(Gap()), 60) : null,
                    ExceptionsApply = random.Next(4) == 0,
                    TribunalAppeal = random.Next(3) switch { 0 => null, 1 => false, _ => true },
                });
            }

            var plans = new List<PlanRow>();
            for (var i = random.Next(3); i > 0; i--)
            {
                var issued = Day();
                var ceased = Maybe(issued.AddDays(random.Next(1, 900)), 35);
                plans.Add(new PlanRow
                {
                    RowId = $"CarePlan/{c}-{i}", ChildKey = childKey, Strata = Strata(),
                    Issued = issued, Ceased = ceased,
                    CeaseReason = ceased is null || random.Next(5) == 0 ? null : Pick(CeaseReason.All),
                    OutOfArea = random.Next(3) switch { 0 => null, 1 => false, _ => true },
                    PersonalBudget = random.Next(3) == 0,
                    DirectPayment = random.Next(5) == 0,
                });
            }

            var reviews = new List<ReviewRow>();
            for (var i = random.Next(4); i > 0; i--)
            {
                var due = Day();
                reviews.Add(new ReviewRow
                {
                    RowId = $"CarePlan/{c}#review-{i}", ChildKey = childKey, Strata = Strata(),
                    Due = due, Held = Maybe(due.AddDays(random.Next(-40, 60))), Cancelled = random.Next(8) == 0,
                });
            }

            var outcomes = new List<OutcomeRow>();
            for (var i = random.Next(4); i > 0; i--)
            {
                outcomes.Add(new OutcomeRow
                {
                    RowId = $"Goal/{c}-{i}", ChildKey = childKey, Strata = Strata(),
                    Achievement = random.Next(6) == 0 ? null : Pick(Achievements), AssessedOn = Maybe(Day(), 85),
                });
            }

            var waits = new List<WaitRow>();
            for (var i = random.Next(3); i > 0; i--)
            {
                var referred = Day();
                waits.Add(new WaitRow
                {
                    RowId = $"EpisodeOfCare/{c}-{i}", ChildKey = childKey, Strata = Strata(),
                    AutismAssessment = random.Next(2) == 0, Referred = referred, FirstContact = Maybe(referred.AddDays(Gap()), 80),
                });
            }

            result.Add(new ChildProjection(childKey["Patient/".Length..], new ProjectedRecord(cases, plans, reviews, outcomes, waits)));
        }

        return result;
    }
}
