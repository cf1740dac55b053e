using System.Globalization;
using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// Reads typed values out of <see cref="Sen2Items"/>, reporting each broken rule once with the item's path and location.
/// A null result means absent or invalid; a record with any error is never built, so callers may use placeholders then.
/// Messages never echo a value except a code (code lists are not personal data), cut to a short length.
/// </summary>
internal sealed class Sen2ValueParser(Sen2RecordErrors errors, int year, int maxValueLength)
{
    /// <summary>Longest value echoed: every SEN2 code fits; a mis-keyed name, date or postcode mostly does not.</summary>
    private const int MaxEchoedCodeLength = 8;

    public Sen2RecordErrors Errors { get; } = errors;

    public int Year { get; } = year;

    public string? Text(Sen2Items items, string item, bool mandatory)
    {
        var node = items.One(item);
        if (node is null)
        {
            if (mandatory) Errors.Add(items.Node, items.PathOf(item), Errors.MissingRule, $"{item} is mandatory in {items.Node.Name}");
            return null;
        }

        if (node.Children is not null)
        {
            Errors.Add(node, items.PathOf(item), Sen2Rule.UnknownItem, $"{item} holds elements where it should hold a value");
            return null;
        }

        var text = node.Text!.Trim();
        if (text.Length > maxValueLength)
        {
            Errors.Add(node, items.PathOf(item), Sen2Rule.SizeLimitExceeded, $"{item} is longer than {maxValueLength} characters");
            return null;
        }

        return text;
    }

    public DateOnly? Date(Sen2Items items, string item, bool mandatory = false)
    {
        var text = Text(items, item, mandatory);
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        Errors.Add(items.One(item)!, items.PathOf(item), Sen2Rule.InvalidDate, $"{item} must be a date written YYYY-MM-DD");
        return null;
    }

    /// <summary>A yes/no item: 1/0 as DfE writes them, true/false (any case) as the liia schema also allows.</summary>
    public bool? Flag(Sen2Items items, string item, bool mandatory = false)
    {
        var text = Text(items, item, mandatory);
        switch (text)
        {
            case null: return null;
            case "1": return true;
            case "0": return false;
        }

        if (text.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        if (text.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        Errors.Add(items.One(item)!, items.PathOf(item), Sen2Rule.InvalidBoolean, $"{item} must be 1 (yes) or 0 (no)", Echo(text));
        return null;
    }

    public Sen2Code? Code(Sen2Items items, string item, Sen2CodeList list, bool mandatory = false)
    {
        var text = Text(items, item, mandatory);
        if (text is null) return null;
        if (list.TryGet(text, Year, out var code)) return code;
        var laterYear = list.TryGet(text, 0, out _);
        Errors.Add(items.One(item)!, items.PathOf(item), Sen2Rule.InvalidCode,
            laterYear ? $"{item} code is not valid for collection year {Year}" : $"{item} is not a {list.Name} code", Echo(text));
        return null;
    }

    /// <summary>A rank: a positive whole number, at most <paramref name="max"/>.</summary>
    public int? Rank(Sen2Items items, string item, int max, bool mandatory = true)
    {
        var text = Text(items, item, mandatory);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rank) && rank >= 1 && rank <= max) return rank;
        Errors.Add(items.One(item)!, items.PathOf(item), Sen2Rule.InvalidNumber,
            max == int.MaxValue ? $"{item} must be a whole number from 1" : $"{item} must be a whole number from 1 to {max}", Echo(text));
        return null;
    }

    public LaCode? La(Sen2Items items, string item, bool mandatory = false) =>
        Identifier<LaCode>(items, item, mandatory, Sen2Rule.InvalidIdentifier, LaCode.TryParse);

    public SchoolUrn? Urn(Sen2Items items, string item) =>
        Identifier<SchoolUrn>(items, item, false, Sen2Rule.InvalidIdentifier, SchoolUrn.TryParse);

    public Ukprn? Ukprn(Sen2Items items, string item) =>
        Identifier<Ukprn>(items, item, false, Sen2Rule.InvalidIdentifier, Identifiers.Ukprn.TryParse);

    /// <summary>A UPN, checked by <see cref="Identifiers.Upn"/> (whose messages never echo the number).</summary>
    public Upn? Upn(Sen2Items items, string item) =>
        Identifier<Upn>(items, item, false, Sen2Rule.InvalidUpn, Identifiers.Upn.TryParse);

    /// <summary>A ULN. The ILR placeholder 9999999999 is refused: SEN2 gives a UPNunknown reason instead.</summary>
    public Uln? Uln(Sen2Items items, string item) =>
        Identifier<Uln>(items, item, false, Sen2Rule.InvalidUln, (string? v, out Uln r, out string e) => Identifiers.Uln.TryParse(v, UlnParseOptions.None, out r, out e));

    private delegate bool TryParse<T>(string? value, out T result, out string error);

    private T? Identifier<T>(Sen2Items items, string item, bool mandatory, Sen2Rule rule, TryParse<T> parse)
        where T : struct
    {
        var text = Text(items, item, mandatory);
        if (text is null) return null;
        if (parse(text, out var value, out var error)) return value;
        Errors.Add(items.One(item)!, items.PathOf(item), rule, $"{item}: {error}");
        return null;
    }

    /// <summary>
    /// The value to show beside the error: only code-like text (letters and digits, short), so a name, date or postcode keyed
    /// into a code item is withheld rather than logged.
    /// </summary>
    private static string? Echo(string text) =>
        text.Length <= MaxEchoedCodeLength && !text.AsSpan().ContainsAnyExcept(CodeCharacters) ? text : null;

    private static readonly System.Buffers.SearchValues<char> CodeCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}
