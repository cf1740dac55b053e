using System.Globalization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Sen2;

/// <summary>How SEN2 values are written into FHIR extensions and read back, in one place for both directions.</summary>
internal static class Sen2FhirValues
{
    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly? ParseDate(string? value) =>
        value is not null && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    public static Coding Coding(Sen2Code code) => new(code.List.FhirSystem, code.Value, code.Description);

    public static CodeableConcept Concept(Sen2Code code) => new() { Coding = [Coding(code)], Text = code.Description };

    public static CodeableConcept Concept(string system, string code, string display) => new() { Coding = [new Coding(system, code, display)], Text = display };

    public static Identifier LaIdentifier(LaCode la) => new(Sen2FhirUrls.LaCode, la.Value);

    /// <summary>The LA as a logical reference: the gateway need not hold its Organization for the reference to mean it.</summary>
    public static ResourceReference LaReference(LaCode la) => new() { Identifier = LaIdentifier(la), Display = "Local authority " + la.Value };

    // ---- writing -------------------------------------------------------------------------------------------------

    public static void Add(IExtendable target, string url, DataType? value)
    {
        if (value is not null) target.Extension.Add(new Extension(url, value));
    }

    public static void Add(IExtendable target, string url, Sen2Code? code)
    {
        if (code is { } c) Add(target, url, Coding(c));
    }

    public static void Add(IExtendable target, string url, bool? flag)
    {
        if (flag is { } f) Add(target, url, new FhirBoolean(f));
    }

    public static void Add(IExtendable target, string url, DateOnly? date)
    {
        if (date is { } d) Add(target, url, new Date(Format(d)));
    }

    public static void Add(IExtendable target, string url, LaCode? la)
    {
        if (la is { } l) Add(target, url, LaIdentifier(l));
    }

    /// <summary>Adds a complex extension when <paramref name="fill"/> gave it any part.</summary>
    public static void AddComplex(IExtendable target, string url, Action<Extension> fill)
    {
        var complex = new Extension { Url = url };
        fill(complex);
        if (complex.Extension.Count > 0) target.Extension.Add(complex);
    }

    // ---- reading -------------------------------------------------------------------------------------------------

    public static Extension? Find(IExtendable source, string url) => source.Extension.FirstOrDefault(e => e.Url == url);

    public static bool? Flag(IExtendable source, string url) => (Find(source, url)?.Value as FhirBoolean)?.Value;

    public static DateOnly? Date(IExtendable source, string url) => Find(source, url)?.Value switch
    {
        Date d => ParseDate(d.Value),
        FhirDateTime dt => ParseDate(dt.Value),
        _ => null,
    };

    public static string? Text(IExtendable source, string url) => (Find(source, url)?.Value as FhirString)?.Value;

    public static LaCode? La(IExtendable source, string url) =>
        Find(source, url)?.Value is Identifier { Value: var v } && LaCode.TryParse(v, out var la, out _) ? la : null;

    /// <summary>The code of a Coding or CodeableConcept extension, when it is on <paramref name="list"/>'s system and list.</summary>
    public static Sen2Code? Code(IExtendable source, string url, Sen2CodeList list) => Find(source, url)?.Value switch
    {
        Coding c => FromCoding(c, list),
        CodeableConcept cc => cc.Coding.Select(c => FromCoding(c, list)).FirstOrDefault(c => c is not null),
        _ => null,
    };

    public static Sen2Code? FromCoding(Coding coding, Sen2CodeList list) =>
        coding.System == list.FhirSystem && list.TryGet(coding.Code, 0, out var code) ? code : null;

    public static int? Integer(IExtendable source, string url) => Find(source, url)?.Value switch
    {
        PositiveInt p => p.Value,
        Integer i => i.Value,
        _ => null,
    };
}
