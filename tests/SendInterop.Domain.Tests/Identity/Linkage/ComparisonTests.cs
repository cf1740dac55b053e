using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Comparisons;
using SendInterop.Domain.Identity.Linkage.Synthetic;

namespace SendInterop.Domain.Tests.Identity.Linkage;

/// <summary>Each comparison sorts pairs into the level its documentation names; all are symmetric.</summary>
public class ComparisonTests
{
    private static PreparedRecord R(string? given = null, string? family = null, string? dob = null, string? postcode = null,
        string? email = null, string? city = null, string[]? previous = null, string? nhs = null, bool verified = false) =>
        PreparedRecord.From(new LinkageRecord
        {
            Id = Guid.NewGuid().ToString(),
            GivenNames = given,
            FamilyName = family,
            BirthDate = PartialDate.TryParse(dob),
            Postcode = postcode,
            Email = email,
            City = city,
            PreviousFamilyNames = previous ?? [],
            NhsNumber = nhs,
            NhsNumberVerified = verified,
        }, 0);

    [Theory]
    [InlineData("Oliver", "Oliver", GivenNameComparison.Exact)]
    [InlineData("William", "Bill", GivenNameComparison.Nickname)]
    [InlineData("Mary Jane", "Jane", GivenNameComparison.OtherGiven)]
    [InlineData("Jonathon", "Jonathan", GivenNameComparison.JaroWinkler92)]
    [InlineData("Zakariya", "Zakaria", GivenNameComparison.JaroWinkler92)]
    [InlineData("Jack", "Joshua", GivenNameComparison.Else)] // two recognised names: not a typo however alike
    [InlineData("J", "Jxyzzy", GivenNameComparison.Initial)]
    [InlineData("Qwerty", "Zxcvbn", GivenNameComparison.Else)]
    public void Given_name_levels(string a, string b, int level)
    {
        var comparison = new GivenNameComparison();
        Assert.Equal(level, comparison.Compare(R(given: a, family: "Smith"), R(given: b, family: "Smith")));
    }

    [Fact]
    public void Given_and_family_swapped_is_one_agreement_each_way()
    {
        var given = new GivenNameComparison();
        var family = new FamilyNameComparison();
        var a = R(given: "Watson", family: "Noah");
        var b = R(given: "Noah", family: "Watson");
        Assert.Equal(GivenNameComparison.Swapped, given.Compare(a, b));
        Assert.Equal(FamilyNameComparison.Swapped, family.Compare(a, b));

        // Only the family name turns up on the other side: a family agreement, not a given-name one.
        var c = R(given: "Smith", family: "Florence");
        var d = R(given: "Olivia", family: "Smith");
        Assert.Equal(GivenNameComparison.Else, given.Compare(c, d));
        Assert.Equal(FamilyNameComparison.Swapped, family.Compare(c, d));
    }

    [Fact]
    public void Family_name_levels()
    {
        var comparison = new FamilyNameComparison();
        Assert.Equal(FamilyNameComparison.Exact, comparison.Compare(R(family: "O'Brien"), R(family: "OBRIEN")));
        Assert.Equal(FamilyNameComparison.PreviousName, comparison.Compare(R(family: "Jones", previous: ["Smith"]), R(family: "Smith")));
        Assert.Equal(FamilyNameComparison.Part, comparison.Compare(R(family: "Smith-Jones"), R(family: "Jones")));
        Assert.Equal(FamilyNameComparison.JaroWinkler92, comparison.Compare(R(family: "Richardson"), R(family: "Richardsen")));
        Assert.Equal(FamilyNameComparison.Phonetic, comparison.Compare(R(family: "Rupert"), R(family: "Robert")));
        Assert.Equal(FamilyNameComparison.Else, comparison.Compare(R(family: "Smith"), R(family: "Patel")));
        Assert.Equal(0, comparison.Compare(R(family: "Smith"), R()));
    }

    [Theory]
    [InlineData("2015-10-29", "2015-10-29", DateOfBirthComparison.Exact)]
    [InlineData("2015", "2015-10-29", DateOfBirthComparison.Partial)]
    [InlineData("2015-10", "2015-10-29", DateOfBirthComparison.Partial)]
    [InlineData("2015-11", "2015-10-29", DateOfBirthComparison.Else)]
    [InlineData("2015-03-04", "2015-04-03", DateOfBirthComparison.DayMonthSwapped)]
    [InlineData("2015-10-29", "2016-10-29", DateOfBirthComparison.OneFieldDiffers)]
    [InlineData("2015-10-29", "2015-12-29", DateOfBirthComparison.OneFieldDiffers)]
    [InlineData("2015-10-29", "2015-11-02", DateOfBirthComparison.Within31Days)]
    [InlineData("2015-10-29", "2016-03-01", DateOfBirthComparison.WithinYear)]
    [InlineData("2008-10-29", "2018-11-02", DateOfBirthComparison.YearMistyped)]
    [InlineData("2012-01-05", "2021-01-07", DateOfBirthComparison.YearMistyped)]
    [InlineData("2001-01-05", "2019-07-07", DateOfBirthComparison.Else)]
    [InlineData(null, "2019-07-07", 0)]
    public void Date_of_birth_levels(string? a, string b, int level)
    {
        Assert.Equal(level, new DateOfBirthComparison().Compare(R(dob: a), R(dob: b)));
    }

    [Theory]
    [InlineData("NR14 6AB", "NR14 6AB", PostcodeComparison.Unit)]
    [InlineData("NR14 6AB", "NR14 6XY", PostcodeComparison.Sector)]
    [InlineData("NR14 6AB", "NR14 7AB", PostcodeComparison.District)]
    [InlineData("NR14 6AB", "NR1 1AA", PostcodeComparison.Area)]
    [InlineData("NR14 6AB", "IP1 1AA", PostcodeComparison.Else)]
    [InlineData("NR14 6AB", "unknown", 0)]
    public void Postcode_levels(string a, string b, int level)
    {
        Assert.Equal(level, new PostcodeComparison().Compare(R(postcode: a), R(postcode: b)));
    }

    [Fact]
    public void Email_levels_discount_a_local_part_spelt_from_the_names()
    {
        var comparison = new EmailComparison();
        Assert.Equal(EmailComparison.Exact, comparison.Compare(R(email: "hannah88@powers.com"), R(email: "HANNAH88@powers.com ")));
        Assert.Equal(EmailComparison.Typo, comparison.Compare(R(email: "hannah88@powers.com"), R(email: "hannah88opowersc@m")));
        Assert.Equal(EmailComparison.Typo, comparison.Compare(R(email: "matthew78@ballard.net"), R(email: "matthew78@balard.net")));
        Assert.Equal(EmailComparison.LocalPart, comparison.Compare(R(email: "hannah88@powers.com"), R(email: "hannah88@gmail.com")));
        // charlie.c is just the names: the shared local part is no evidence beyond them (null level, weight 0).
        Assert.Equal(0, comparison.Compare(R(given: "Charlie", family: "Cunningham", email: "charlie.c@stout.org"),
            R(given: "Charlie", family: "Campbell", email: "charlie.c@kramer.com")));
        Assert.Equal(EmailComparison.Else, comparison.Compare(R(email: "a.b@x.com"), R(email: "zz99@other.org")));
    }

    [Fact]
    public void Nhs_number_levels_keep_verified_numbers_apart()
    {
        var comparison = new NhsNumberComparison();
        Assert.Equal(NhsNumberComparison.ExactVerified, comparison.Compare(R(nhs: "943 476 5919", verified: true), R(nhs: "9434765919", verified: true)));
        Assert.Equal(NhsNumberComparison.Exact, comparison.Compare(R(nhs: "9434765919", verified: true), R(nhs: "9434765919")));
        Assert.Equal(NhsNumberComparison.ElseVerified, comparison.Compare(R(nhs: "9434765919", verified: true), R(nhs: "9434765870", verified: true)));
        Assert.Equal(NhsNumberComparison.Else, comparison.Compare(R(nhs: "9434765919"), R(nhs: "9434765870")));
    }

    [Fact]
    public void City_levels()
    {
        var comparison = new CityComparison();
        Assert.Equal(CityComparison.Exact, comparison.Compare(R(city: "London"), R(city: "LONDON")));
        Assert.Equal(CityComparison.JaroWinkler88, comparison.Compare(R(city: "Bolton"), R(city: "Bolotn")));
        Assert.Equal(CityComparison.SameLetters, comparison.Compare(R(city: "Portsmouth"), R(city: "Porottmoush")));
        Assert.Equal(CityComparison.Else, comparison.Compare(R(city: "Leeds"), R(city: "Bristol")));
    }

    [Fact]
    public void Every_comparison_is_symmetric_and_in_range_on_random_synthetic_pairs()
    {
        var data = UkSyntheticPopulation.Generate(new UkSyntheticOptions { Children = 300, Seed = 5 });
        var records = LinkageEngine.Prepare(data.Records);
        var comparisons = DefaultComparisons.Create();
        var random = new Random(3);
        for (var k = 0; k < 20000; k++)
        {
            var a = records[random.Next(records.Length)];
            var b = random.Next(3) == 0 ? records[Math.Min(records.Length - 1, a.Index + 1)] : records[random.Next(records.Length)];
            foreach (var comparison in comparisons)
            {
                var ab = comparison.Compare(a, b);
                Assert.Equal(ab, comparison.Compare(b, a));
                Assert.InRange(ab, 0, comparison.Levels.Count - 1);
            }
        }
    }

    [Fact]
    public void A_missing_value_is_the_null_level_for_every_comparison()
    {
        var empty = R();
        var full = R(given: "Ava", family: "Smith", dob: "2012-01-02", postcode: "NR1 1AA", email: "a@b.com", city: "Norwich", nhs: "9434765919");
        foreach (var comparison in DefaultComparisons.Create())
        {
            Assert.Equal(0, comparison.Compare(empty, full));
            Assert.True(comparison.Levels[0].IsNull);
        }
    }
}
