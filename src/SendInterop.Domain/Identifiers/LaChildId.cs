namespace SendInterop.Domain.Identifiers;

/// <summary>
/// A local authority's own child identifier (the SSDA903 / CIN census "LAchildID" or a case-management id). These are
/// unique only inside one LA, so the value always carries the 3-digit LA code: <c>{LA code}/{local id}</c>, e.g.
/// <c>881/C0012345</c>. One Identifier.system then serves every LA and FHIR token search still works.
/// </summary>
public readonly record struct LaChildId
{
    /// <summary>The FHIR Identifier.system for LA child ids.</summary>
    public const string System = IdentifierSystems.LaChildId;

    /// <summary>The separator between LA code and local id in the identifier value.</summary>
    public const char Separator = '/';

    /// <summary>
    /// Longest local id we accept. CIN and SSDA903 allow 10 characters; case-management systems go a little further, and
    /// anything longer is more likely a pasted name or note than an id.
    /// </summary>
    public const int MaxLocalIdLength = LocalIdRule.MaxLength;

    private LaChildId(LaCode laCode, string localId)
    {
        LaCode = laCode;
        LocalId = localId;
    }

    /// <summary>The LA that issued the id.</summary>
    public LaCode LaCode { get; }

    /// <summary>The id as the LA's system knows it.</summary>
    public string LocalId => field ?? string.Empty;

    /// <summary>The identifier value, <c>{LA code}/{local id}</c>.</summary>
    public string Value => LocalId.Length == 0 ? string.Empty : $"{LaCode.Value}{Separator}{LocalId}";

    public override string ToString() => Value;

    /// <summary>Parses the combined identifier value <c>{LA code}/{local id}</c>.</summary>
    public static bool TryParse(string? value, out LaChildId result, out string error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "LA child id is missing";
            return false;
        }

        if (value.Length < 5 || value[3] != Separator)
        {
            error = $"LA child id must be the 3-digit LA code, '{Separator}', then the local id";
            return false;
        }

        return TryCreate(value[..3], value[4..], out result, out error);
    }

    /// <summary>Builds an id from its two parts, checking both.</summary>
    public static bool TryCreate(string? laCode, string? localId, out LaChildId result, out string error)
    {
        result = default;
        if (!LaCode.TryParse(laCode, out var la, out var laError))
        {
            error = "LA child id: " + laError;
            return false;
        }

        if (string.IsNullOrEmpty(localId))
        {
            error = "LA child id has no local id after the LA code";
            return false;
        }

        if (LocalIdRule.Check(localId, "LA child id") is { } broken)
        {
            error = broken;
            return false;
        }

        result = new LaChildId(la, localId);
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The value breaks a rule; the message names it.</exception>
    public static LaChildId Parse(string? value) =>
        TryParse(value, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>Builds an id for synthetic data or an adapter that holds the parts separately.</summary>
    /// <exception cref="FormatException">The local id breaks a rule.</exception>
    public static LaChildId Create(LaCode laCode, string localId) =>
        TryCreate(laCode.Value, localId, out var result, out var error) ? result : throw new FormatException(error);
}
