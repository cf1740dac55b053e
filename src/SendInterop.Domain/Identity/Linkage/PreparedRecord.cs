using SendInterop.Domain.Identity.Linkage.Text;

namespace SendInterop.Domain.Identity.Linkage;

/// <summary>
/// A <see cref="LinkageRecord"/> with every field normalised once: upper-case names and their Soundex codes, nickname
/// families, date parts, postcode parts, e-mail local part. The pair loop compares millions of pairs, so nothing in it
/// may re-normalise, allocate or parse; it reads these fields only.
/// </summary>
public sealed class PreparedRecord
{
    private PreparedRecord(int index, LinkageRecord source)
    {
        Index = index;
        Source = source;
    }

    /// <summary>Position in the run's record array: pairs refer to records by this.</summary>
    public int Index { get; }

    public LinkageRecord Source { get; }

    public string Id => Source.Id;

    /// <summary>First given name, normalised (compared first).</summary>
    public string? Given { get; private init; }

    /// <summary>Every given name, normalised (a middle name used as the first is still a match).</summary>
    public string[] GivenTokens { get; private init; } = [];

    public string? GivenSoundex { get; private init; }

    /// <summary>The first given name is a recognised name (<see cref="KnownGivenNames"/>), not possibly a misspelling.</summary>
    public bool GivenIsKnownName { get; private init; }

    /// <summary>Nickname families of the first given name (<see cref="Nicknames"/>).</summary>
    public int[] GivenNicknameFamilies { get; private init; } = [];

    /// <summary>The whole family name, normalised with separators removed ("SMITHJONES").</summary>
    public string? Family { get; private init; }

    /// <summary>Parts of a double-barrelled family name ("SMITH", "JONES").</summary>
    public string[] FamilyTokens { get; private init; } = [];

    public string? FamilySoundex { get; private init; }

    public string[] PreviousFamilies { get; private init; } = [];

    /// <summary>Date of birth parts; 0 when unknown.</summary>
    public int BirthYear { get; private init; }

    public int BirthMonth { get; private init; }

    public int BirthDay { get; private init; }

    /// <summary>Days since 0001-01-01 when the date of birth is complete and real, else -1.</summary>
    public int BirthDayNumber { get; private init; } = -1;

    public LinkageSex Sex { get; private init; }

    public UkPostcode? Postcode { get; private init; }

    /// <summary>The postcode as given (upper-case, no spaces) when it does not parse: still comparable for equality.</summary>
    public string? PostcodeUnparsed { get; private init; }

    public string? SchoolUrn { get; private init; }

    public string? LaCode { get; private init; }

    public string? NhsNumber { get; private init; }

    public bool NhsNumberVerified { get; private init; }

    public string? Email { get; private init; }

    public string? EmailLocalPart { get; private init; }

    public string? City { get; private init; }

    public static PreparedRecord From(LinkageRecord record, int index)
    {
        ArgumentNullException.ThrowIfNull(record);
        var givenTokens = NameText.Tokens(record.GivenNames);
        var familyTokens = NameText.Tokens(record.FamilyName);
        var given = givenTokens.Length > 0 ? givenTokens[0] : null;
        var family = familyTokens.Length switch
        {
            0 => null,
            1 => familyTokens[0],
            _ => string.Concat(familyTokens),
        };
        var previous = new List<string>(record.PreviousFamilyNames.Count);
        foreach (var name in record.PreviousFamilyNames)
        {
            if (NameText.Normalise(name) is { } p && p != family && !previous.Contains(p))
            {
                previous.Add(p);
            }
        }

        var date = record.BirthDate;
        var postcode = UkPostcode.TryParse(record.Postcode);
        var email = NameText.LowerCompact(record.Email);
        var at = email?.IndexOf('@') ?? -1;
        var nhs = NameText.Digits(record.NhsNumber);
        return new PreparedRecord(index, record)
        {
            Given = given,
            GivenTokens = givenTokens,
            GivenSoundex = Soundex.Encode(given),
            GivenNicknameFamilies = Nicknames.FamiliesOf(given),
            GivenIsKnownName = KnownGivenNames.Contains(given),
            Family = family,
            FamilyTokens = familyTokens,
            FamilySoundex = Soundex.Encode(family),
            PreviousFamilies = previous.ToArray(),
            BirthYear = date?.Year ?? 0,
            BirthMonth = date?.Year is null ? 0 : date?.Month ?? 0,
            BirthDay = date?.Year is null || date?.Month is null ? 0 : date?.Day ?? 0,
            BirthDayNumber = date?.DayNumber ?? -1,
            Sex = record.Sex,
            Postcode = postcode,
            PostcodeUnparsed = postcode is null && !string.IsNullOrWhiteSpace(record.Postcode) ? CompactUpper(record.Postcode) : null,
            SchoolUrn = NameText.Digits(record.SchoolUrn),
            LaCode = string.IsNullOrWhiteSpace(record.LaCode) ? null : CompactUpper(record.LaCode),
            NhsNumber = nhs,
            NhsNumberVerified = nhs is not null && record.NhsNumberVerified,
            Email = email,
            EmailLocalPart = at > 0 ? email![..at] : null,
            City = NameText.Normalise(record.City),
        };
    }

    private static string CompactUpper(string value) =>
        string.Concat(value.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
}
