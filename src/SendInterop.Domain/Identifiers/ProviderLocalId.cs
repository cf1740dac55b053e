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

    /// <summary>Longest local id accepted (the same rule as LA child ids).</summary>
    public const int MaxLocalIdLength = LocalIdRule.MaxLength;

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
        if (LocalIdRule.Check(local, "provider local id") is { } broken)
        {
            error = broken;
            return false;
        }
        result = new ProviderLocalId(ods, local);
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The value breaks a rule; the message names it.</exception>
    public static ProviderLocalId Parse(string? value) => TryParse(value, out var r, out var e) ? r : throw new FormatException(e);
}
