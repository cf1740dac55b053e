namespace SendInterop.Domain.Sen2;

/// <summary>One entry of a SEN2 code list: the code as it appears in the XML and what it means (SEN2.md section 2).</summary>
/// <param name="FirstYear">The first collection year that accepts the code (0 = every year), e.g. SENtype DS from 2025.</param>
public sealed record Sen2CodeEntry(string Code, string Description, int FirstYear = 0);

/// <summary>
/// A code taken from a known <see cref="Sen2CodeList"/>. It can only be made by the list itself, so holding one proves the
/// value was checked; equality includes the list, so a RequestOutcome "Y" never equals an AssessmentOutcome "Y".
/// </summary>
public readonly record struct Sen2Code
{
    internal Sen2Code(Sen2CodeList list, string value)
    {
        List = list;
        Value = value;
    }

    /// <summary>The code list (and so the SEN2 item) the code belongs to.</summary>
    public Sen2CodeList List { get; }

    /// <summary>The code exactly as written in the return.</summary>
    public string Value { get; }

    /// <summary>What the code means, from SEN2.md.</summary>
    public string Description => List.DescriptionOf(Value);

    public override string ToString() => Value;
}

/// <summary>
/// A small closed vocabulary of one SEN2 item (RequestOutcome, CeaseReason, SENtype, ...). Matching is exact (DfE codes are
/// upper case); codes introduced in a later collection year are refused for earlier years.
/// </summary>
public sealed class Sen2CodeList
{
    private readonly Dictionary<string, Sen2CodeEntry> _byCode;

    public Sen2CodeList(string name, string? fhirSystem, IEnumerable<Sen2CodeEntry> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(entries);
        Name = name;
        FhirSystem = fhirSystem;
        Entries = entries.ToArray();
        _byCode = Entries.ToDictionary(e => e.Code, StringComparer.Ordinal);
    }

    /// <summary>The SEN2 item the list serves, as named in the XML (used in error messages).</summary>
    public string Name { get; }

    /// <summary>The FHIR CodeSystem URL the codes are written under, or null when the list maps to a FHIR element instead (Sex).</summary>
    public string? FhirSystem { get; }

    /// <summary>Every code, in the order SEN2.md lists them.</summary>
    public IReadOnlyList<Sen2CodeEntry> Entries { get; }

    /// <summary>The code, when <paramref name="value"/> is on the list and valid in <paramref name="year"/> (0 = any year).</summary>
    public bool TryGet(string? value, int year, out Sen2Code code)
    {
        code = default;
        if (value is null || !_byCode.TryGetValue(value, out var entry)) return false;
        if (year != 0 && entry.FirstYear > year) return false;
        code = new Sen2Code(this, entry.Code);
        return true;
    }

    /// <summary>The code for builders and tests that know it is on the list.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not on the list.</exception>
    public Sen2Code this[string value] =>
        TryGet(value, 0, out var code) ? code : throw new ArgumentOutOfRangeException(nameof(value), value, $"not a {Name} code");

    /// <summary>The description of a code on the list, or empty for an unknown one.</summary>
    public string DescriptionOf(string value) => _byCode.TryGetValue(value, out var entry) ? entry.Description : string.Empty;

    public override string ToString() => Name;
}
