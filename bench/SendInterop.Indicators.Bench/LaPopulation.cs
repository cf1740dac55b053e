using System.Globalization;
using SendInterop.Domain.Indicators;
using SendInterop.Domain.Statutory;
using A = SendInterop.Indicators.Bench.PopulationAssumptions;

namespace SendInterop.Indicators.Bench;

/// <summary>
/// One LA's synthetic children as projection rows: five years of requests (each with its decision, assessment and plan),
/// then plans issued before the window, enough to bring the LA's plans in place on the 2025 census day to its DfE
/// caseload (times the scale), plus legacy plans that ceased inside the window. Each plan carries its annual reviews
/// (due from the window start), its section E outcomes and some children an NHS wait. One seeded Random per LA, so the
/// rows do not depend on the order LAs are generated in.
/// </summary>
public sealed class LaPopulation(LaProfile la, double requestsPerYear, int plansInPlaceTarget, Random random, IProjectionSink sink)
{
    private static readonly DateOnly Census = ReportingPeriod.CensusDay(2025);
    private static readonly DateOnly WindowEnd = new(2019, 12, 31);
    private int _children;

    public int Children => _children;

    public void Generate()
    {
        var inPlace = 0;
        foreach (var year in A.HistoryYears)
        {
            var n = Sampling.Round(random, requestsPerYear);
            for (var i = 0; i < n; i++)
                if (NewRequest(year)) inPlace++;
        }

        var legacy = Math.Max(0, plansInPlaceTarget - inPlace);
        for (var i = 0; i < legacy; i++) LegacyPlan(ceasedInWindow: false);
        var legacyCeased = Sampling.Round(random, legacy * A.LegacyCeasedInWindowShare);
        for (var i = 0; i < legacyCeased; i++) LegacyPlan(ceasedInWindow: true);
    }

    /// <summary>A request received in <paramref name="year"/> and what became of it; true when it led to a plan still in place on the census day.</summary>
    private bool NewRequest(int year)
    {
        var id = NextChildId();
        var received = Sampling.DayBetween(random, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        var birth = received.AddYears(-A.AgeAtRequest.Draw(random)).AddDays(-random.Next(0, 365));
        var strata = Strata(birth);

        var u = random.NextDouble();
        bool? assess = u < A.DecidedToAssess ? true : u < A.DecidedToAssess + A.Refused ? false : null;
        DateOnly? decision = null;
        if (assess is not null)
        {
            decision = received.AddDays(Sampling.Chance(random, A.DecidedWithinSixWeeks) ? Sampling.Between(random, 14, 42) : Sampling.Between(random, 43, 140));
            if (decision > A.AsOf) (decision, assess) = (null, null);
        }

        DateOnly? issued = null, notIssued = null;
        if (assess == true)
        {
            if (Sampling.Chance(random, A.AssessedLeadsToPlan))
                issued = Cap(received.AddDays(Sampling.Chance(random, A.IssuedWithinTwentyWeeks) ? Sampling.Between(random, 70, 140) : Sampling.Between(random, 141, 420)));
            else if (Sampling.Chance(random, A.NotIssuedAfterAssessment / (1 - A.AssessedLeadsToPlan)))
                notIssued = Cap(received.AddDays(Sampling.Between(random, 100, 200)));
        }

        var t = random.NextDouble();
        sink.Case(new CaseRow
        {
            RowId = "ServiceRequest/" + id, ChildKey = "Patient/" + id, Strata = strata,
            Received = received, DecisionOn = decision, DecidedToAssess = assess, DecidedNotToIssueOn = notIssued, PlanIssued = issued,
            ExceptionsApply = Sampling.Chance(random, A.ExceptionsApply),
            TribunalAppeal = t < A.TribunalRecordedTrue ? true : t < A.TribunalRecordedTrue + A.TribunalRecordedFalse ? false : null,
        });
        if (Sampling.Chance(random, A.ChildWithNhsWait)) Wait(id, strata, received);
        if (issued is not { } day) return false;
        var ceased = CeaseAfter(day, birth);
        Plan(id, strata, day, ceased, ceased is null ? null : ReasonFor(ceased.Value, birth));
        return day <= Census && (ceased is null || ceased > Census);
    }

    private void LegacyPlan(bool ceasedInWindow)
    {
        var id = NextChildId();
        var birth = Census.AddYears(-A.LegacyAgeAtCensus.Draw(random)).AddDays(-random.Next(0, 365));
        var from = birth.AddYears(2) > A.LegacyIssuedFrom ? birth.AddYears(2) : A.LegacyIssuedFrom;
        if (from > WindowEnd) from = WindowEnd;
        var issued = Sampling.DayBetween(random, from, WindowEnd);
        var ceased = ceasedInWindow ? Sampling.DayBetween(random, A.HistoryStart, Census.AddDays(-1)) : (DateOnly?)null;
        var strata = Strata(birth);
        Plan(id, strata, issued, ceased, ceased is null ? null : ReasonFor(ceased.Value, birth));
    }

    private void Plan(string id, ChildStrata strata, DateOnly issued, DateOnly? ceased, CeaseReason? reason)
    {
        var o = random.NextDouble();
        var budget = Sampling.Chance(random, A.PersonalBudget);
        sink.Plan(new PlanRow
        {
            RowId = "CarePlan/" + id, ChildKey = "Patient/" + id, Strata = strata,
            Issued = issued, Ceased = ceased, CeaseReason = reason,
            OutOfArea = o < A.OutOfAreaUnknown ? null : Sampling.Chance(random, A.OutOfArea / (1 - A.OutOfAreaUnknown)),
            PersonalBudget = budget, DirectPayment = budget && Sampling.Chance(random, A.DirectPaymentOfBudget),
        });
        var lastHeld = Reviews(id, strata, issued, ceased);
        // Section E outcomes are judged at the reviews: only plans reviewed or in force in the last two years carry them.
        if (ceased is { } c && c < new DateOnly(2023, 1, 1)) return;
        for (var k = 1; k <= A.OutcomesPerPlan; k++)
        {
            var assessed = lastHeld ?? Cap(issued.AddDays(Sampling.Between(random, 30, 300)));
            sink.Outcome(new OutcomeRow
            {
                RowId = "Goal/" + id + "-" + k.ToString(CultureInfo.InvariantCulture), ChildKey = "Patient/" + id, Strata = strata,
                Achievement = A.Achievement.Draw(random), AssessedOn = assessed,
            });
        }
    }

    /// <summary>Annual reviews owed from the issue date (12 months from issue or the last meeting), kept from the window start; returns the last meeting.</summary>
    private DateOnly? Reviews(string id, ChildStrata strata, DateOnly issued, DateOnly? ceased)
    {
        DateOnly? lastHeld = null;
        var due = issued.AddYears(1);
        while (due <= A.AsOf)
        {
            var key = "CarePlan/" + id + "#review-" + due.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            if (ceased is { } c && c < due)
            {
                if (due >= A.HistoryStart && Sampling.Chance(random, A.CancelledWhenCeased))
                    sink.Review(new ReviewRow { RowId = key, ChildKey = "Patient/" + id, Strata = strata, Due = due, Cancelled = true });
                break;
            }

            var u = random.NextDouble();
            DateOnly? held = u < A.ReviewOnTime ? due.AddDays(-Sampling.Between(random, 0, 30))
                : u < A.ReviewOnTime + A.ReviewLate ? due.AddDays(Sampling.Between(random, 1, 120)) : null;
            if (held > A.AsOf) held = null;
            if (due >= A.HistoryStart) sink.Review(new ReviewRow { RowId = key, ChildKey = "Patient/" + id, Strata = strata, Due = due, Held = held });
            if (held is not null) lastHeld = held;
            due = (held ?? due).AddYears(1);
        }

        return lastHeld;
    }

    private void Wait(string id, ChildStrata strata, DateOnly received)
    {
        var autism = Sampling.Chance(random, A.WaitIsAutism);
        var referred = received.AddDays(Sampling.Between(random, -365, 60));
        DateOnly? first = null;
        if (!Sampling.Chance(random, A.StillWaiting))
        {
            var within = Sampling.Chance(random, autism ? A.AutismWithin13Weeks : A.OtherWithin13Weeks);
            first = referred.AddDays(within ? Sampling.Between(random, 7, 91) : Sampling.Between(random, 92, autism ? 700 : 300));
            if (first > A.AsOf) first = null;
        }

        sink.Wait(new WaitRow
        {
            RowId = "EpisodeOfCare/" + id, ChildKey = "Patient/" + id, Strata = strata,
            AutismAssessment = autism, Referred = referred, FirstContact = first,
        });
    }

    /// <summary>Exponential time to cease at the annual hazard, or the 25th birthday's academic year end, whichever is first; null when after the as-of day.</summary>
    private DateOnly? CeaseAfter(DateOnly issued, DateOnly birth)
    {
        var years = -Math.Log(1 - random.NextDouble()) / A.AnnualCeaseHazard;
        var ceased = issued.AddDays((int)Math.Min(years * 365.25, 40 * 365));
        var maxAge = MaximumAgeDay(birth);
        if (maxAge < ceased) ceased = maxAge;
        return ceased <= A.AsOf ? ceased : null;
    }

    private static DateOnly MaximumAgeDay(DateOnly birth)
    {
        var at25 = birth.AddYears(25);
        return new DateOnly(at25.Month >= 9 ? at25.Year + 1 : at25.Year, 8, 31);
    }

    private CeaseReason ReasonFor(DateOnly ceased, DateOnly birth) =>
        ceased == MaximumAgeDay(birth) ? CeaseReason.MaximumAge : A.CeaseReasonDrawn.Draw(random);

    private ChildStrata Strata(DateOnly birth)
    {
        var age = AgeBands.AgeOn(birth, Census);
        return new ChildStrata
        {
            LaCode = la.Code, BirthDate = birth, Sex = A.Sex.Draw(random), Ethnicity = A.Ethnicity.Draw(random),
            PrimaryNeed = A.PrimaryNeed.Draw(random), SettingType = A.SettingFor(age).Draw(random),
        };
    }

    private static DateOnly? Cap(DateOnly day) => day <= A.AsOf ? day : null;

    private string NextChildId() => la.Code + "-" + (++_children).ToString("D6", CultureInfo.InvariantCulture);
}
