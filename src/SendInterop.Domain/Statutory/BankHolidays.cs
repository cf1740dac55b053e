namespace SendInterop.Domain.Statutory;

/// <summary>
/// Bank holidays in England and Wales, 2015-2030, and the working days they leave. Only the SEND Tribunal appeal
/// deadline needs them (DOMAIN.md 1.5: "next working day"); every EHC time limit is in calendar weeks and months.
/// </summary>
/// <remarks>
/// <para>
/// Source: the dates published at https://www.gov.uk/bank-holidays (England and Wales), which follow the Banking and
/// Financial Dealings Act 1971 Schedule 1 (New Year's Day, Good Friday, Easter Monday, first and last Monday of May,
/// last Monday of August, Christmas Day, Boxing Day; a holiday on a Saturday or Sunday moves to the next weekday
/// that is not already one) plus the one-off changes made by Royal Proclamation: 2020 early May moved to Friday
/// 8 May (VE Day 75); 2022 spring holiday moved to Thursday 2 June, Friday 3 June added (Platinum Jubilee) and
/// Monday 19 September added (State Funeral of Queen Elizabeth II); 2023 Monday 8 May added (Coronation).
/// </para>
/// <para>
/// 2028-2030 are the Act's standing rules only: a later proclamation can add or move a day, so refresh this table from
/// gov.uk when one is made. A date outside 2015-2030 throws rather than silently treating a holiday as a working day.
/// </para>
/// </remarks>
public static class BankHolidays
{
    public const int FirstYear = 2015;
    public const int LastYear = 2030;

    private static readonly HashSet<DateOnly> Days =
    [
        // 2015: 26 Dec is a Saturday, so Boxing Day is observed on Monday 28 Dec.
        new(2015, 1, 1), new(2015, 4, 3), new(2015, 4, 6), new(2015, 5, 4), new(2015, 5, 25), new(2015, 8, 31), new(2015, 12, 25), new(2015, 12, 28),
        // 2016: Christmas Day is a Sunday; Boxing Day Monday 26, the Christmas substitute Tuesday 27.
        new(2016, 1, 1), new(2016, 3, 25), new(2016, 3, 28), new(2016, 5, 2), new(2016, 5, 30), new(2016, 8, 29), new(2016, 12, 26), new(2016, 12, 27),
        // 2017: 1 Jan is a Sunday, observed Monday 2 Jan.
        new(2017, 1, 2), new(2017, 4, 14), new(2017, 4, 17), new(2017, 5, 1), new(2017, 5, 29), new(2017, 8, 28), new(2017, 12, 25), new(2017, 12, 26),
        new(2018, 1, 1), new(2018, 3, 30), new(2018, 4, 2), new(2018, 5, 7), new(2018, 5, 28), new(2018, 8, 27), new(2018, 12, 25), new(2018, 12, 26),
        new(2019, 1, 1), new(2019, 4, 19), new(2019, 4, 22), new(2019, 5, 6), new(2019, 5, 27), new(2019, 8, 26), new(2019, 12, 25), new(2019, 12, 26),
        // 2020: early May holiday moved from Monday 4 to Friday 8 May (VE Day); Boxing Day (Saturday) observed Monday 28 Dec.
        new(2020, 1, 1), new(2020, 4, 10), new(2020, 4, 13), new(2020, 5, 8), new(2020, 5, 25), new(2020, 8, 31), new(2020, 12, 25), new(2020, 12, 28),
        // 2021: Christmas Saturday, Boxing Day Sunday: observed Monday 27 and Tuesday 28 Dec.
        new(2021, 1, 1), new(2021, 4, 2), new(2021, 4, 5), new(2021, 5, 3), new(2021, 5, 31), new(2021, 8, 30), new(2021, 12, 27), new(2021, 12, 28),
        // 2022: 1 Jan Saturday -> Monday 3 Jan; spring holiday Thursday 2 June, Platinum Jubilee Friday 3 June; State Funeral
        // Monday 19 September; Christmas Sunday: Boxing Day Monday 26, Christmas substitute Tuesday 27.
        new(2022, 1, 3), new(2022, 4, 15), new(2022, 4, 18), new(2022, 5, 2), new(2022, 6, 2), new(2022, 6, 3), new(2022, 8, 29), new(2022, 9, 19), new(2022, 12, 26), new(2022, 12, 27),
        // 2023: 1 Jan Sunday -> Monday 2 Jan; Coronation Monday 8 May.
        new(2023, 1, 2), new(2023, 4, 7), new(2023, 4, 10), new(2023, 5, 1), new(2023, 5, 8), new(2023, 5, 29), new(2023, 8, 28), new(2023, 12, 25), new(2023, 12, 26),
        new(2024, 1, 1), new(2024, 3, 29), new(2024, 4, 1), new(2024, 5, 6), new(2024, 5, 27), new(2024, 8, 26), new(2024, 12, 25), new(2024, 12, 26),
        new(2025, 1, 1), new(2025, 4, 18), new(2025, 4, 21), new(2025, 5, 5), new(2025, 5, 26), new(2025, 8, 25), new(2025, 12, 25), new(2025, 12, 26),
        // 2026: Boxing Day Saturday -> Monday 28 Dec.
        new(2026, 1, 1), new(2026, 4, 3), new(2026, 4, 6), new(2026, 5, 4), new(2026, 5, 25), new(2026, 8, 31), new(2026, 12, 25), new(2026, 12, 28),
        // 2027: Christmas Saturday, Boxing Day Sunday -> Monday 27 and Tuesday 28 Dec.
        new(2027, 1, 1), new(2027, 3, 26), new(2027, 3, 29), new(2027, 5, 3), new(2027, 5, 31), new(2027, 8, 30), new(2027, 12, 27), new(2027, 12, 28),
        // 2028-2030: standing rules only (see remarks). 2028: 1 Jan Saturday -> Monday 3 Jan.
        new(2028, 1, 3), new(2028, 4, 14), new(2028, 4, 17), new(2028, 5, 1), new(2028, 5, 29), new(2028, 8, 28), new(2028, 12, 25), new(2028, 12, 26),
        new(2029, 1, 1), new(2029, 3, 30), new(2029, 4, 2), new(2029, 5, 7), new(2029, 5, 28), new(2029, 8, 27), new(2029, 12, 25), new(2029, 12, 26),
        new(2030, 1, 1), new(2030, 4, 19), new(2030, 4, 22), new(2030, 5, 6), new(2030, 5, 27), new(2030, 8, 26), new(2030, 12, 25), new(2030, 12, 26),
    ];

    /// <summary>Every bank holiday in the table, in date order.</summary>
    public static IReadOnlyList<DateOnly> All { get; } = Days.Order().ToList();

    /// <exception cref="ArgumentOutOfRangeException">The year is outside 2015-2030, where the table says nothing.</exception>
    public static bool IsBankHoliday(DateOnly day)
    {
        EnsureCovered(day);
        return Days.Contains(day);
    }

    /// <summary>Monday to Friday and not a bank holiday in England and Wales.</summary>
    public static bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsBankHoliday(day);

    /// <summary>The day itself if it is a working day, otherwise the first working day after it.</summary>
    public static DateOnly OnOrNextWorkingDay(DateOnly day)
    {
        while (!IsWorkingDay(day)) day = day.AddDays(1);
        return day;
    }

    private static void EnsureCovered(DateOnly day)
    {
        if (day.Year is < FirstYear or > LastYear)
            throw new ArgumentOutOfRangeException(nameof(day), day, $"The bank holiday table covers {FirstYear}-{LastYear} only.");
    }
}
