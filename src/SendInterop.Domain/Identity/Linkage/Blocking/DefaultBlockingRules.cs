namespace SendInterop.Domain.Identity.Linkage.Blocking;

/// <summary>
/// The standard rules. Each is selective on its own (a block holds a handful of people, so pairs grow about linearly
/// with records) and each covers a way the others miss a true match: a wrong date of birth, a changed or swapped
/// name, a missing NHS number, a move of house.
/// </summary>
public static class DefaultBlockingRules
{
    public static IReadOnlyList<BlockingRule> Create() =>
    [
        new("nhs_number", "same NHS number", r => r.NhsNumber),
        // Day and month in either order, so a swapped date is blocked with the right one.
        new("date_of_birth", "same date of birth (day and month in either order)", r =>
            r.BirthDay == 0 ? null
            : $"{r.BirthYear}|{Math.Min(r.BirthMonth, r.BirthDay)}|{Math.Max(r.BirthMonth, r.BirthDay)}"),
        new("family_soundex_birth_year", "same family-name Soundex and birth year", r =>
            r.FamilySoundex is null || r.BirthYear == 0 ? null : $"{r.FamilySoundex}|{r.BirthYear}"),
        new("given_soundex_birth_year", "same given-name Soundex and birth year", r =>
            r.GivenSoundex is null || r.BirthYear == 0 ? null : $"{r.GivenSoundex}|{r.BirthYear}"),
        // A mistyped year: the birthday still agrees.
        new("family_soundex_birthday", "same family-name Soundex, birth month and day", r =>
            r.FamilySoundex is null || r.BirthDay == 0 ? null : $"{r.FamilySoundex}|{r.BirthMonth}|{r.BirthDay}"),
        new("given_soundex_birthday", "same given-name Soundex, birth month and day", r =>
            r.GivenSoundex is null || r.BirthDay == 0 ? null : $"{r.GivenSoundex}|{r.BirthMonth}|{r.BirthDay}"),
        // Unordered pair of name codes: catches a wrong date of birth, and given/family swapped.
        new("name_soundex_pair", "same given and family Soundex codes, either order", r =>
            r.GivenSoundex is null || r.FamilySoundex is null ? null
            : string.CompareOrdinal(r.GivenSoundex, r.FamilySoundex) <= 0 ? $"{r.GivenSoundex}|{r.FamilySoundex}"
            : $"{r.FamilySoundex}|{r.GivenSoundex}"),
        // Both names present but the date of birth wrong: one name's code and the other's initial, either order.
        new("family_soundex_given_initial", "same family-name Soundex and given-name initial", r =>
            r.FamilySoundex is null || r.Given is null ? null : $"{r.FamilySoundex}|{r.Given[0]}"),
        new("given_soundex_family_initial", "same given-name Soundex and family-name initial", r =>
            r.GivenSoundex is null || r.Family is null ? null : $"{r.GivenSoundex}|{r.Family[0]}"),
        new("email", "same e-mail address", r => r.Email),
        new("email_local_part", "same e-mail local part", r => r.EmailLocalPart),
        new("postcode_sector_given_initial", "same postcode sector and given-name initial", r =>
            r.Postcode is null || r.Given is null ? null : $"{r.Postcode.Sector}|{r.Given[0]}"),
        new("postcode_district_family_soundex", "same postcode district and family-name Soundex", r =>
            r.Postcode is null || r.FamilySoundex is null ? null : $"{r.Postcode.District}|{r.FamilySoundex}"),
        // Town and one name: the date of birth is wrong and one name missing or mistyped.
        new("city_family_soundex", "same town and family-name Soundex", r =>
            r.City is null || r.FamilySoundex is null ? null : $"{r.City}|{r.FamilySoundex}"),
        new("city_given_soundex", "same town and given-name Soundex", r =>
            r.City is null || r.GivenSoundex is null ? null : $"{r.City}|{r.GivenSoundex}"),
        // A name change and a wrong date together: the school and year group still place the child.
        new("school_birth_year_given_initial", "same school, birth year and given-name initial", r =>
            r.SchoolUrn is null || r.BirthYear == 0 || r.Given is null ? null : $"{r.SchoolUrn}|{r.BirthYear}|{r.Given[0]}"),
    ];
}
