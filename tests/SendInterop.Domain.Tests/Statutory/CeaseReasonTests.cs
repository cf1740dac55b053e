using SendInterop.Domain.Statutory;
using static SendInterop.Domain.Tests.Statutory.Days;

namespace SendInterop.Domain.Tests.Statutory;

/// <summary>SEN2 CeaseReason (SEN2.md 2.4) and the checks of DOMAIN.md 1.4.</summary>
public class CeaseReasonTests
{
    [Theory]
    [InlineData("1", 1, "Reached maximum age")]
    [InlineData("4", 4, "Moved on to paid employment")]
    [InlineData(" 8 ", 8, "Deceased")]
    [InlineData("9", 9, "Other")]
    public void The_nine_codes_parse(string text, int code, string startOfDescription)
    {
        Assert.True(CeaseReason.TryParse(text, out var reason));
        Assert.Equal(code, reason!.Code);
        Assert.StartsWith(startOfDescription, reason.Description, StringComparison.Ordinal);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), reason.CodeText);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("10")]
    [InlineData("01")]
    [InlineData("x")]
    [InlineData("max_age")]
    public void Anything_else_is_refused(string? text)
    {
        Assert.False(CeaseReason.TryParse(text, out _));
        Assert.Throws<FormatException>(() => CeaseReason.Parse(text));
    }

    [Fact]
    public void There_are_exactly_nine_in_code_order_and_equal_by_code()
    {
        Assert.Equal(Enumerable.Range(1, 9), CeaseReason.All.Select(r => r.Code));
        Assert.Equal(CeaseReason.TransferredToAnotherLa, CeaseReason.Parse("5"));
    }

    [Theory]
    [InlineData("max_age", 1)]
    [InlineData("needs_met", 2)]
    [InlineData("he", 3)]
    [InlineData("employ", 4)]
    [InlineData("transfer", 5)]
    [InlineData("no_engage", 6)]
    [InlineData("moved_outside_eng", 7)]
    [InlineData("other", 9)]
    public void The_demo_keywords_map_to_SEN2_codes(string keyword, int code) =>
        Assert.Equal(code, CeaseReason.FromKeyword(keyword)!.Code);

    [Fact]
    public void A_cessation_without_a_reason_or_before_the_plan_is_an_error()
    {
        var issues = CessationRules.Check(D("2024-01-10"), D("2023-12-01"), null, null);

        Assert.Equal(2, issues.Count);
        Assert.All(issues, i => Assert.Equal(CessationIssueSeverity.Error, i.Severity));
    }

    [Fact]
    public void No_longer_engaging_cannot_end_the_plan_of_a_17_year_old()
    {
        // Born 2008-05-01: 17 on 2025-05-01, so 17 on 2025-07-31.
        var issue = Assert.Single(CessationRules.Check(D("2020-01-10"), D("2025-07-31"), CeaseReason.NoLongerEngaging, D("2008-05-01")));

        Assert.Equal(CessationIssueSeverity.Error, issue.Severity);
    }

    [Fact]
    public void Paid_employment_at_17_is_a_warning_and_at_18_is_fine()
    {
        Assert.Equal(CessationIssueSeverity.Warning, Assert.Single(CessationRules.Check(D("2020-01-10"), D("2025-07-31"), CeaseReason.PaidEmployment, D("2008-05-01"))).Severity);
        Assert.Empty(CessationRules.Check(D("2020-01-10"), D("2026-07-31"), CeaseReason.PaidEmployment, D("2008-05-01")));
    }

    [Theory]
    // Born 2000-10-15: turns 25 on 2025-10-15, in the year ending 2026-07-31.
    [InlineData("2026-07-31", null)]
    [InlineData("2026-07-30", CessationIssueSeverity.Warning)] // before that year end: adult estate at 19 only
    [InlineData("2019-10-20", CessationIssueSeverity.Warning)] // 19: adult estate
    [InlineData("2018-10-20", CessationIssueSeverity.Error)]   // 18
    public void Maximum_age_is_the_end_of_the_academic_year_of_the_25th_birthday(string ceased, CessationIssueSeverity? expected)
    {
        var issues = CessationRules.Check(D("2015-01-10"), D(ceased), CeaseReason.MaximumAge, D("2000-10-15"));

        if (expected is null) Assert.Empty(issues);
        else Assert.Equal(expected, Assert.Single(issues).Severity);
    }

    [Fact]
    public void The_clock_reports_cessation_issues()
    {
        var facts = new EhcCaseFacts
        {
            CaseId = "p",
            PatientReference = "Patient/c",
            BirthDate = D("2008-05-01"),
            Plan = new EhcPlanFacts { Issued = D("2020-01-10"), Cessation = new PlanCessation(D("2025-07-31"), CeaseReason.NoLongerEngaging) },
        };

        var timeline = StatutoryClock.Evaluate(facts, D("2025-09-01"));

        Assert.Equal(CessationIssueSeverity.Error, Assert.Single(timeline.CessationIssues).Severity);
    }
}
