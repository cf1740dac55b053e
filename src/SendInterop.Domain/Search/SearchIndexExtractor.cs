using System.Globalization;
using System.Text;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace SendInterop.Domain.Search;

/// <summary>
/// Evaluates every indexed search parameter of a resource's type (its R4 FHIRPath expression) and turns the
/// resulting elements into index values. One code path for every resource type.
/// </summary>
public sealed class SearchIndexExtractor(SearchParameterRegistry registry)
{
    // Compiled once per expression and shared: a compiled FHIRPath expression is an immutable delegate. Evaluating
    // compiled expressions over one PocoNode per resource measured ~4x cheaper than Base.Select per parameter
    // (Encounter: 43 us against 159 us), which re-wraps the resource and looks the expression up every time.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Hl7.FhirPath.CompiledExpression?> _compiled = new();
    private readonly Hl7.FhirPath.FhirPathCompiler _compiler = new();

    // Each parameter's top-level elements (ExpressionRoots), by (type, parameter).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), IReadOnlySet<string>?> _roots = new();

    public ExtractedIndex Extract(Resource resource) => Extract(resource, skipAbsentRoots: true);

    /// <param name="skipAbsentRoots">Skip a parameter whose expression can only start at top-level elements the resource
    /// does not have (most of a type's parameters, for a typical resource): evaluating it would find nothing. False evaluates
    /// every parameter (the tests compare both).</param>
    public ExtractedIndex Extract(Resource resource, bool skipAbsentRoots)
    {
        var index = new ExtractedIndex();
        var root = resource.ToPocoNode();
        foreach (var p in registry.ForType(resource.TypeName))
        {
            if (!p.IsSupported || SearchParameterRegistry.ColumnParameters.Contains(p.Name)) continue;
            if (skipAbsentRoots && _roots.GetOrAdd((p.ResourceType, p.Name), _ => ExpressionRoots.Of(p.Expression, p.ResourceType)) is { } roots
                && !roots.Any(r => resource.TryGetValue(r, out _))) continue;
            var expression = _compiled.GetOrAdd(p.Expression!, Compile);
            if (expression is null) continue;
            List<Base> values;
            try
            {
                values = expression(root, new Hl7.Fhir.FhirPath.FhirEvaluationContext()).Select(n => n.Poco).OfType<Base>().ToList();
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or NotSupportedException or InvalidCastException)
            {
                // A definition the FHIRPath engine cannot evaluate on this instance indexes nothing rather than failing the write.
                continue;
            }
            foreach (var value in values) Add(index, p, value);
        }
        return index;
    }

    private Hl7.FhirPath.CompiledExpression? Compile(string expression)
    {
        try
        {
            return _compiler.Compile(expression);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return null; // an R4 definition our engine cannot compile is simply not indexed
        }
    }

    private static void Add(ExtractedIndex index, SearchParameterInfo p, Base value)
    {
        switch (p.Type)
        {
            case SearchParamType.Token: AddToken(index, p.Name, value); break;
            case SearchParamType.Uri:
                if (value is PrimitiveType { JsonValue: not null } u) index.Tokens.Add((p.Name, null, u.JsonValue.ToString()!));
                break;
            case SearchParamType.String: AddString(index, p.Name, value); break;
            case SearchParamType.Date: AddDate(index, p.Name, value); break;
            case SearchParamType.Reference: AddReference(index, p.Name, value); break;
            case SearchParamType.Number:
            case SearchParamType.Quantity: AddQuantity(index, p.Name, value); break;
        }
    }

    private static void AddToken(ExtractedIndex index, string param, Base value)
    {
        switch (value)
        {
            case CodeableConcept cc:
                foreach (var c in cc.Coding) AddToken(index, param, c);
                if (!string.IsNullOrWhiteSpace(cc.Text)) index.Tokens.Add((param, TextSystem, NormaliseString(cc.Text)));
                break;
            case Coding { Code: not null } c: index.Tokens.Add((param, c.System, c.Code)); break;
            case Identifier { Value: not null } id: index.Tokens.Add((param, id.System, id.Value)); break;
            case ContactPoint { Value: not null } cp: index.Tokens.Add((param, cp.System?.ToString().ToLowerInvariant(), cp.Value)); break;
            case FhirBoolean { Value: not null } b: index.Tokens.Add((param, null, b.Value.Value ? "true" : "false")); break;
            case PrimitiveType { JsonValue: not null } prim: index.Tokens.Add((param, null, prim.JsonValue.ToString()!)); break;
        }
    }

    /// <summary>Marks CodeableConcept.text in the token table for the :text modifier.</summary>
    public const string TextSystem = "urn:sendinterop:text";

    private static void AddString(ExtractedIndex index, string param, Base value)
    {
        switch (value)
        {
            case HumanName n:
                foreach (var part in n.Given.Concat(n.Prefix).Concat(n.Suffix).Append(n.Family).Append(n.Text))
                    AddStringValue(index, param, part);
                break;
            case Address a:
                foreach (var part in a.Line.Append(a.City).Append(a.District).Append(a.State).Append(a.PostalCode).Append(a.Country).Append(a.Text))
                    AddStringValue(index, param, part);
                break;
            case PrimitiveType { JsonValue: not null } s: AddStringValue(index, param, s.JsonValue.ToString()); break;
        }
    }

    private static void AddStringValue(ExtractedIndex index, string param, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        var normalised = NormaliseString(value);
        // Long narrative-like strings are capped: string search matches prefixes and short contains.
        index.Strings.Add((param, normalised.Length > 256 ? normalised[..256] : normalised));
    }

    /// <summary>Case- and accent-insensitive form used for both indexing and querying strings.</summary>
    public static string NormaliseString(string value)
    {
        var decomposed = value.Trim().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark) sb.Append(char.ToLowerInvariant(ch));
        return sb.ToString();
    }

    private static void AddDate(ExtractedIndex index, string param, Base value)
    {
        switch (value)
        {
            case Period period:
                if (FhirDateRange.FromPeriod(period.Start, period.End) is { } pr) index.Dates.Add((param, pr));
                break;
            case Timing timing:
                foreach (var e in timing.EventElement) AddDate(index, param, e);
                break;
            case PrimitiveType { JsonValue: not null } prim:
                var text = prim is Instant i && i.Value is { } dto ? dto.ToString("o", CultureInfo.InvariantCulture) : prim.JsonValue.ToString();
                if (FhirDateRange.TryParse(text, out var r)) index.Dates.Add((param, r));
                break;
        }
    }

    private static void AddReference(ExtractedIndex index, string param, Base value)
    {
        // Absolute URLs point at other servers: indexing them as local would link another system's record to a
        // child here (and show it in their searches), so only relative references are indexed.
        if (value is ResourceReference { Reference: { } reference } && !reference.Contains("://", StringComparison.Ordinal)
            && TryParseLocalReference(reference, out var type, out var id))
            index.References.Add((param, type, id));
    }

    /// <summary>
    /// "Patient/123", "Patient/123/_history/2" or an absolute URL ending in Type/id. Contained (#x) and urn:
    /// references are not indexed: they do not point at a resource on this server.
    /// </summary>
    public static bool TryParseLocalReference(string reference, out string type, out string id)
    {
        type = id = "";
        if (reference.StartsWith('#') || reference.StartsWith("urn:", StringComparison.Ordinal)) return false;
        var historyAt = reference.IndexOf("/_history/", StringComparison.Ordinal);
        if (historyAt >= 0) reference = reference[..historyAt];
        var parts = reference.TrimEnd('/').Split('/');
        if (parts.Length < 2) return false;
        type = parts[^2];
        id = parts[^1];
        // A FHIR id: 1-64 of [A-Za-z0-9-.]; anything else cannot name a resource here (and would not fit the index).
        return ModelInfo.IsKnownResource(type) && char.IsUpper(type[0]) && id.Length is > 0 and <= 64
            && id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.');
    }

    private static void AddQuantity(ExtractedIndex index, string param, Base value)
    {
        switch (value)
        {
            case Quantity { Value: { } v } q: index.Quantities.Add((param, (double)v, q.System, q.Code ?? q.Unit)); break;
            case FhirDecimal { Value: { } d }: index.Quantities.Add((param, (double)d, null, null)); break;
            case Integer { Value: { } n }: index.Quantities.Add((param, n, null, null)); break;
            case Hl7.Fhir.Model.Range { Low.Value: { } low }: index.Quantities.Add((param, (double)low, null, null)); break;
        }
    }
}
