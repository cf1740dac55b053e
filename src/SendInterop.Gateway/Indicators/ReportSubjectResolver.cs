using System.Text.RegularExpressions;
using SendInterop.Domain.Indicators;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// Reads the <c>subject</c> of <c>$evaluate-measure</c>: <c>Organization/{id}</c> of an LA (its la-code identifier,
/// else an id of the form la-NNN), a bare 3-digit LA code, an ONS region code (E12...; the LAs in it as the DfE files
/// place them), or England (<c>England</c> or E92000001, also the default).
/// </summary>
public sealed partial class ReportSubjectResolver(OrganisationDirectoryCache directory, ComparatorSource comparators)
{
    public async Task<ReportSubject> ResolveAsync(string? subject, CancellationToken ct)
    {
        var text = subject?.Trim();
        if (string.IsNullOrEmpty(text) || text is "England" or ReportSubject.EnglandCode) return ReportSubject.England;
        if (LaCode().IsMatch(text)) return LocalAuthority(text, null);
        if (Region().IsMatch(text))
        {
            if (!comparators.Set.Geographies.Any(g => g.Level == GeographyLevel.Regional && g.Code == text))
                throw FhirException.BadRequest($"Region '{text}' is not known: regions come from the DfE release (Indicators:DfeReleaseDirectory), which lists the LAs in each.");
            return comparators.Set.RegionSubject(text);
        }

        if (text.StartsWith("Organization/", StringComparison.Ordinal))
        {
            var id = text["Organization/".Length..];
            var organisation = (await directory.GetAsync(ct)).Find(text);
            var code = OrganisationDirectory.LaCodeOf(organisation) ?? (OrganisationLa().Match(id) is { Success: true } m ? m.Groups[1].Value : null);
            if (code is null) throw FhirException.BadRequest($"subject '{text}' is not a local authority (no la-code identifier).");
            return LocalAuthority(code, organisation?.Name);
        }

        throw FhirException.BadRequest($"subject '{text}' is not Organization/la-NNN, a 3-digit LA code, a region code (E12...) or England.");
    }

    private ReportSubject LocalAuthority(string code, string? name) =>
        ReportSubject.LocalAuthority(code, name
            ?? comparators.Set.Geographies.FirstOrDefault(g => g.Level == GeographyLevel.LocalAuthority && g.Code == code)?.Name
            ?? "Local authority " + code);

    /// <summary>The region an LA is in, per the DfE release; null when unknown.</summary>
    public Geography? RegionOf(string laCode)
    {
        var la = comparators.Set.Geographies.FirstOrDefault(g => g.Level == GeographyLevel.LocalAuthority && g.Code == laCode);
        return la?.RegionCode is { } region ? comparators.Set.Geographies.FirstOrDefault(g => g.Level == GeographyLevel.Regional && g.Code == region) : null;
    }

    [GeneratedRegex("^[0-9]{3}$")]
    private static partial Regex LaCode();

    [GeneratedRegex("^E12[0-9]{6}$")]
    private static partial Regex Region();

    [GeneratedRegex("^la-([0-9]{3})$")]
    private static partial Regex OrganisationLa();
}
