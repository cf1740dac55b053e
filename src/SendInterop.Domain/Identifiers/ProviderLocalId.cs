namespace SendInterop.Domain.Identifiers;

/// <summary>
/// A health provider's own patient id (hospital number, community system id). Unique only inside the provider, so the
/// value always carries its ODS code: <c>{ODS code}/{local id}</c>, e.g. <c>RY3/K1234567</c>, like
/// <see cref="LaChildId"/> does with the LA code.
/// </summary>
public readonly record struct ProviderLocalId
{
    public const string System = IdentifierSystems.ProviderLocalId;
    public const char Separator = '/';

    /// <summary>Longest local id accepted: hospital numbers are short; longer text is more likely a note than an id.</summary>
    public const int MaxLocalIdLength = 20;

    private ProviderLocalId(OdsCode provider, string localId)
    {
        Provider = provider;
        LocalId = localId;
    }

    public OdsCode Provider { get; }

    public string LocalId => field ?? string.Empty;

    public string Value => LocalId.Length == 0 ? string.Empty : $"{Provider.Value}{Separator}{LocalId}";

    public override string ToString() => Value;

    public static bool TryParse(string? value, out ProviderLocalId result, out string error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "provider local id is missing";
            return false;
        }
        var slash = value.IndexOf(Separator);
        if (slash < 0)
        {
            error = $"provider local id must be the provider's ODS code, '{Separator}', then the local id";
            return false;
        }
        if (!OdsCode.TryParse(value[..slash], out var ods, out var odsError))
        {
            error = "provider local id: " + odsError;
            return false;
        }
        var local = value[(slash + 1)..];
        if (local.Length == 0)
        {
            error = "provider local id has no local id after the ODS code";
            return false;
        }
        if (local.Length > MaxLocalIdLength)
        {
            error = $"provider local id local part must be at most {MaxLocalIdLength} characters but has {local.Length}";
            return false;
        }
        foreach (var c in local)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                error = "provider local id local part may contain only letters A-Z, digits, '-' and '_'";
                return false;
            }
        }
        result = new ProviderLocalId(ods, local);
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The value breaks a rule; the message names it.</exception>
    public static ProviderLocalId Parse(string? value) => TryParse(value, out var r, out var e) ? r : throw new FormatException(e);
}
