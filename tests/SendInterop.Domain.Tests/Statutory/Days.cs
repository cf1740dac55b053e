namespace SendInterop.Domain.Tests.Statutory;

/// <summary>Short date literals for hand-worked examples.</summary>
internal static class Days
{
    public static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
