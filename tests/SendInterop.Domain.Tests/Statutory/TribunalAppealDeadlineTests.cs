using SendInterop.Domain.Statutory;
using static SendInterop.Domain.Tests.Statutory.Days;

namespace SendInterop.Domain.Tests.Statutory;

/// <summary>DOMAIN.md 1.5: 2 months from the letter (or 1 from the mediation certificate), August and Christmas rules.</summary>
public class TribunalAppealDeadlineTests
{
    [Theory]
    [InlineData("2025-05-02", "2025-07-02")] // Wednesday, nothing to move
    [InlineData("2025-06-20", "2025-09-01")] // 20 August -> first working day of September (Monday 1st)
    [InlineData("2024-06-10", "2024-09-02")] // 10 August -> 1 September 2024 is a Sunday: Monday 2nd
    [InlineData("2025-10-27", "2026-01-02")] // 27 December -> next working day in January: Friday 2nd (1st is a holiday)
    [InlineData("2026-10-30", "2027-01-04")] // 30 December -> 1 Jan 2027 Friday holiday, then the weekend: Monday 4th
    [InlineData("2025-11-01", "2026-01-02")] // 1 January itself
    [InlineData("2025-12-31", "2026-03-02")] // no 31 February: 28 February 2026, a Saturday -> Monday 2 March
    [InlineData("2023-12-31", "2024-02-29")] // leap year: 29 February 2024, a Thursday
    [InlineData("2025-03-26", "2025-05-27")] // 26 May 2025 is the spring bank holiday -> Tuesday
    public void Two_months_from_the_decision_letter(string letter, string deadline) =>
        Assert.Equal(D(deadline), TribunalAppealDeadline.For(D(letter)));

    [Fact]
    public void A_later_mediation_certificate_gives_a_month_from_the_certificate()
    {
        // Letter 2025-03-03 -> 2025-05-03; certificate 2025-04-20 -> 2025-05-20 (Tuesday), the later.
        Assert.Equal(D("2025-05-20"), TribunalAppealDeadline.For(D("2025-03-03"), D("2025-04-20")));
        // An early certificate changes nothing: 2025-03-10 -> 2025-04-10 is before 2025-05-03 (a Saturday -> Tuesday 6th after the 5 May holiday).
        Assert.Equal(D("2025-05-06"), TribunalAppealDeadline.For(D("2025-03-03"), D("2025-03-10")));
    }
}
