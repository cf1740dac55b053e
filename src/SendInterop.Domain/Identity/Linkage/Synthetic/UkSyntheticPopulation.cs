using SendInterop.Domain.Identity.Linkage.Text;

namespace SendInterop.Domain.Identity.Linkage.Synthetic;

/// <summary>Knobs of the synthetic UK population (rates are per child or per record, as named).</summary>
public sealed record UkSyntheticOptions
{
    public int Children { get; init; } = 5000;

    public int Seed { get; init; } = 42;

    /// <summary>Share of households whose children include a pair of twins.</summary>
    public double TwinRate { get; init; } = 0.04;

    /// <summary>Share of children whose family name changes (adoption, a parent's marriage).</summary>
    public double NameChangeRate { get; init; } = 0.04;

    /// <summary>Share of children who move house (records then carry the old or the new postcode).</summary>
    public double MoveRate { get; init; } = 0.12;

    /// <summary>Per record: the given name written as a nickname.</summary>
    public double NicknameRate { get; init; } = 0.08;

    /// <summary>Per record and name: a typing slip (two letters swapped, one dropped or doubled).</summary>
    public double TypoRate { get; init; } = 0.05;

    /// <summary>Per record: the date of birth mistyped (day and month swapped, or one digit wrong).</summary>
    public double DobErrorRate { get; init; } = 0.03;
}

/// <summary>A generated record set with the truth: which child each record belongs to, and who are twins.</summary>
public sealed record UkSyntheticDataset(
    IReadOnlyList<LinkageRecord> Records,
    IReadOnlyList<int> ChildOfRecord,
    IReadOnlyList<(int ChildA, int ChildB)> Twins);

/// <summary>
/// Synthetic English children aged 0-25 in East Anglian households, each known to one to four agencies (health,
/// education, social care), with the errors that separate their records in real life: typos, nicknames, mistyped
/// dates of birth, missing NHS numbers (most education records), house moves, family-name changes with the previous
/// name sometimes kept, and twins (same family name, date of birth, postcode, parent e-mail; different given names),
/// which must never be linked. Seeded: the same options give the same records.
/// </summary>
public static class UkSyntheticPopulation
{
    // Outward codes by area with the LA (old 3-digit code) and a main town; inward codes are generated.
    private static readonly (string Area, int MaxDistrict, string La, string[] Towns)[] Areas =
    [
        ("NR", 35, "926", ["Norwich", "Great Yarmouth", "Dereham", "Wymondham"]),
        ("IP", 33, "935", ["Ipswich", "Bury St Edmunds", "Stowmarket", "Felixstowe"]),
        ("CB", 25, "873", ["Cambridge", "Ely", "Newmarket"]),
        ("PE", 38, "874", ["Peterborough", "Wisbech", "King's Lynn"]),
    ];

    // Inward-code letters exclude C, I, K, M, O and V (Royal Mail).
    private const string InwardLetters = "ABDEFGHJLNPQRSTUWXYZ";

    private enum Agency
    {
        Health,
        Education,
        SocialCare,
    }

    private sealed record Child(int Id, string Given, string? Middle, string Family, string? NewFamily, DateOnly Dob,
        LinkageSex Sex, string Postcode, string? NewPostcode, string La, string Town, string? Email, string Nhs, string? SchoolUrn);

    public static UkSyntheticDataset Generate(UkSyntheticOptions? options = null, DateOnly? today = null)
    {
        options ??= new UkSyntheticOptions();
        var random = new Random(options.Seed);
        var now = today ?? new DateOnly(2026, 9, 1);
        var surnames = UkNames.Surnames(3000, random);
        var boys = UkNames.Given(UkNames.Boys);
        var girls = UkNames.Given(UkNames.Girls);
        var schools = Enumerable.Range(0, Math.Max(20, options.Children / 150)).Select(_ => (100000 + random.Next(50000)).ToString()).ToArray();

        var children = new List<Child>();
        var twins = new List<(int, int)>();
        var usedNhs = new HashSet<string>();
        while (children.Count < options.Children)
        {
            // A household: family name, address, parent e-mail (half of households give one), one to three children.
            var family = surnames.Next(random);
            var (area, maxDistrict, la, towns) = Areas[random.Next(Areas.Length)];
            var postcode = NewPostcode(random, area, maxDistrict);
            var town = towns[random.Next(towns.Length)];
            var email = random.NextDouble() < 0.5 ? $"{family.ToLowerInvariant()}{random.Next(10, 99)}@example.org.uk" : null;
            var size = 1 + random.Next(3);
            var twinsHere = random.NextDouble() < options.TwinRate;
            var ages = new List<DateOnly>();
            for (var k = 0; k < size; k++)
            {
                ages.Add(now.AddDays(-random.Next(0, 25 * 365)));
            }
            if (twinsHere)
            {
                ages.Add(ages[0]);
            }
            var givenInHousehold = new HashSet<string>();
            var first = children.Count;
            foreach (var dob in ages)
            {
                var sex = random.Next(2) == 0 ? LinkageSex.Male : LinkageSex.Female;
                string given;
                do
                {
                    given = (sex == LinkageSex.Male ? boys : girls).Next(random);
                }
                while (!givenInHousehold.Add(given) || givenInHousehold.Any(g => g != given && Nicknames.AreEquivalent(NameText.Normalise(g), NameText.Normalise(given))));
                var middle = random.NextDouble() < 0.4 ? (random.Next(2) == 0 ? boys : girls).Next(random) : null;
                var newFamily = random.NextDouble() < options.NameChangeRate ? surnames.Next(random) : null;
                var newPostcode = random.NextDouble() < options.MoveRate ? NewPostcode(random, area, maxDistrict) : null;
                var age = now.Year - dob.Year;
                var school = age is >= 4 and <= 18 ? schools[random.Next(schools.Length)] : null;
                string nhs;
                do
                {
                    nhs = NewNhsNumber(random);
                }
                while (!usedNhs.Add(nhs));
                children.Add(new Child(children.Count, given, middle, family, newFamily == family ? null : newFamily, dob, sex,
                    postcode, newPostcode, la, town, email, nhs, school));
                if (children.Count >= options.Children)
                {
                    break;
                }
            }
            if (twinsHere && children.Count - first == ages.Count)
            {
                twins.Add((first, children.Count - 1)); // the first and the last child share the date of birth
            }
        }

        var records = new List<LinkageRecord>();
        var childOf = new List<int>();
        foreach (var child in children)
        {
            var count = 1 + random.Next(4);
            for (var k = 0; k < count; k++)
            {
                var agency = (Agency)random.Next(3);
                if (agency == Agency.Education && child.SchoolUrn is null)
                {
                    agency = Agency.Health;
                }
                records.Add(Record(child, agency, records.Count, random, options));
                childOf.Add(child.Id);
            }
        }
        return new UkSyntheticDataset(records, childOf, twins);
    }

    private static LinkageRecord Record(Child child, Agency agency, int index, Random random, UkSyntheticOptions options)
    {
        // Name change: later records carry the new name, half of them keeping the old one as a previous name.
        var family = child.Family;
        IReadOnlyList<string> previous = [];
        if (child.NewFamily is not null && random.Next(2) == 0)
        {
            family = child.NewFamily;
            previous = random.Next(2) == 0 ? [child.Family] : [];
        }
        var given = random.NextDouble() < options.NicknameRate ? Nickname(child.Given, random) : child.Given;
        given = Typo(given, options.TypoRate, random);
        family = Typo(family, options.TypoRate, random);
        var givenNames = child.Middle is not null && random.NextDouble() < 0.5 ? $"{given} {child.Middle}" : given;

        PartialDate? dob = PartialDate.From(child.Dob);
        if (random.NextDouble() < options.DobErrorRate)
        {
            dob = MistypeDate(child.Dob, random);
        }
        else if (random.NextDouble() < 0.01)
        {
            dob = new PartialDate(child.Dob.Year, child.Dob.Month, null);
        }
        var postcode = child.NewPostcode is not null && random.Next(2) == 0 ? child.NewPostcode : child.Postcode;

        // What each agency holds: health has the NHS number (mostly verified), education rarely, social care often.
        var (nhsShare, verifiedShare) = agency switch
        {
            Agency.Health => (0.97, 0.85),
            Agency.Education => (0.25, 0.0),
            _ => (0.6, 0.3),
        };
        var hasNhs = random.NextDouble() < nhsShare;
        return new LinkageRecord
        {
            Id = $"{agency.ToString().ToLowerInvariant()}-{index}",
            GivenNames = random.NextDouble() < 0.01 ? null : givenNames,
            FamilyName = random.NextDouble() < 0.01 ? null : family,
            PreviousFamilyNames = previous,
            BirthDate = dob,
            Sex = random.NextDouble() < 0.05 ? LinkageSex.Unknown : child.Sex,
            Postcode = random.NextDouble() < 0.05 ? null : postcode,
            SchoolUrn = agency == Agency.Education ? child.SchoolUrn : null,
            LaCode = agency == Agency.Health ? null : child.La,
            NhsNumber = hasNhs ? child.Nhs : null,
            NhsNumberVerified = hasNhs && random.NextDouble() < verifiedShare,
            Email = random.NextDouble() < 0.6 ? child.Email : null,
            City = random.NextDouble() < 0.7 ? child.Town : null,
        };
    }

    private static string Nickname(string given, Random random)
    {
        var families = Nicknames.FamiliesOf(NameText.Normalise(given));
        if (families.Length == 0)
        {
            return given;
        }
        var names = Nicknames.AllFamilies[families[random.Next(families.Length)]];
        var pick = names[random.Next(names.Count)];
        return char.ToUpperInvariant(pick[0]) + pick[1..].ToLowerInvariant();
    }

    /// <summary>One typing slip: two neighbouring letters swapped, one dropped, or one doubled.</summary>
    internal static string Typo(string value, double rate, Random random)
    {
        if (value.Length < 4 || random.NextDouble() >= rate)
        {
            return value;
        }
        var i = 1 + random.Next(value.Length - 2);
        return random.Next(3) switch
        {
            0 => string.Concat(value.AsSpan(0, i), value[i + 1].ToString(), value[i].ToString(), value.AsSpan(i + 2)),
            1 => value.Remove(i, 1),
            _ => value.Insert(i, value[i].ToString()),
        };
    }

    private static PartialDate MistypeDate(DateOnly dob, Random random)
    {
        if (dob.Day <= 12 && dob.Day != dob.Month && random.Next(2) == 0)
        {
            return new PartialDate(dob.Year, dob.Day, dob.Month); // US order
        }
        return random.Next(3) switch
        {
            0 => new PartialDate(dob.Year + (random.Next(2) == 0 ? 1 : -1), dob.Month, dob.Day),
            1 => new PartialDate(dob.Year, dob.Month, Math.Clamp(dob.Day + (random.Next(2) == 0 ? 1 : -1), 1, 28)),
            _ => new PartialDate(dob.Year, dob.Month % 12 + 1, Math.Min(dob.Day, 28)),
        };
    }

    private static string NewPostcode(Random random, string area, int maxDistrict) =>
        $"{area}{1 + random.Next(maxDistrict)} {random.Next(10)}{InwardLetters[random.Next(InwardLetters.Length)]}{InwardLetters[random.Next(InwardLetters.Length)]}";

    /// <summary>A valid NHS number in the 999 test range (DOMAIN.md 3.1): synthetic children never get real numbers.</summary>
    private static string NewNhsNumber(Random random)
    {
        while (true)
        {
            var digits = "999" + random.Next(0, 1_000_000).ToString("D6");
            var sum = 0;
            for (var i = 0; i < 9; i++)
            {
                sum += (digits[i] - '0') * (10 - i);
            }
            var check = 11 - sum % 11;
            if (check == 11)
            {
                check = 0;
            }
            if (check != 10)
            {
                return digits + check;
            }
        }
    }
}
