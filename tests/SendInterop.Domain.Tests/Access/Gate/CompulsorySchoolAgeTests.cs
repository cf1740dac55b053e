using SendInterop.Domain.Access.Gate;

namespace SendInterop.Domain.Tests.Access.Gate;

/// <summary>
/// The end of compulsory school age, with dates worked by hand (weekdays checked with <c>date -d</c>), and who may
/// decide around it.
/// </summary>
public class CompulsorySchoolAgeTests
{
    [Theory]
    // Turns 16 on 2026-09-01, the first day of school year 2026-27: last Friday of June 2027.
    [InlineData("2010-09-01", "2027-06-25")]
    // Turns 16 on 2026-08-31, the last day of school year 2025-26: last Friday of June 2026.
    [InlineData("2010-08-31", "2026-06-26")]
    // Turns 16 on 2026-07-15, after that year's last Friday of June: it has already ended.
    [InlineData("2010-07-15", "2026-06-26")]
    // Turns 16 on the last Friday of June itself.
    [InlineData("2010-06-26", "2026-06-26")]
    // Turns 16 on 2019-01-15, in school year 2018-19.
    [InlineData("2003-01-15", "2019-06-28")]
    // Turns 16 on 2028-03-14, school year 2027-28; 30 June 2028 is itself a Friday.
    [InlineData("2012-03-14", "2028-06-30")]
    // Born 29 February: turns 16 on 2028-02-29 (2028 is a leap year).
    [InlineData("2012-02-29", "2028-06-30")]
    // Born 29 February 2084: 2100 is not a leap year, so DateOnly.AddYears gives 2100-02-28; school year 2099-2100.
    [InlineData("2084-02-29", "2100-06-25")]
    public void EndsOnTheLastFridayOfJuneOfTheSchoolYearInWhichTheChildTurns16(string born, string end)
    {
        var actual = CompulsorySchoolAge.EndFor(DateOnly.Parse(born));

        Assert.Equal(DateOnly.Parse(end), actual);
        Assert.Equal(DayOfWeek.Friday, actual.DayOfWeek);
    }

    [Fact]
    public void ABirthDateWithNoSixteenthBirthdayInTheCalendar_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CompulsorySchoolAge.EndFor(new DateOnly(9990, 1, 1)));

    private static readonly DateOnly Born = new(2012, 3, 14); // end 2028-06-30, in British Summer Time

    [Theory]
    [InlineData("2028-06-30T00:00:00Z", true, false)]
    [InlineData("2028-06-30T22:59:59Z", true, false)]  // 23:59:59 in England
    [InlineData("2028-06-30T23:00:00Z", false, false)] // Saturday in England, still Friday in UTC: neither
    [InlineData("2028-06-30T23:59:59Z", false, false)]
    [InlineData("2028-07-01T00:00:00Z", false, true)]
    [InlineData("2028-06-30T23:30:00+01:00", true, false)] // the same instant as 22:30 UTC
    public void AroundTheEnd_TheParentThenTheYoungPersonDecides(string at, bool parent, bool youngPerson)
    {
        var now = DateTimeOffset.Parse(at);

        Assert.Equal(parent, DecisionRight.MayPermit(ConsentPerformer.Parent, Born, lacksCapacity: false, now));
        Assert.Equal(youngPerson, DecisionRight.MayPermit(ConsentPerformer.YoungPerson, Born, lacksCapacity: false, now));
        Assert.False(DecisionRight.MayPermit(ConsentPerformer.Other, Born, lacksCapacity: false, now));
    }

    [Fact]
    public void LackOfCapacity_KeepsTheParentDeciding_AndUnknownBirthDateLeavesNobody()
    {
        var later = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.True(DecisionRight.MayPermit(ConsentPerformer.Parent, Born, lacksCapacity: true, later));
        Assert.False(DecisionRight.MayPermit(ConsentPerformer.YoungPerson, Born, lacksCapacity: true, later));
        Assert.False(DecisionRight.MayPermit(ConsentPerformer.Parent, null, lacksCapacity: false, later));
        Assert.False(DecisionRight.MayPermit(ConsentPerformer.YoungPerson, null, lacksCapacity: false, later));
        Assert.False(DecisionRight.MayPermit(ConsentPerformer.Parent, null, lacksCapacity: true, later));
    }
}
