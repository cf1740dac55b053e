namespace SendInterop.Domain.Identifiers;

/// <summary>
/// The local part of an identifier scoped by its issuer (<see cref="LaChildId"/>, <see cref="ProviderLocalId"/>): present,
/// short, and letters, digits, '-' or '_' only. Longer or freer text is more likely a pasted name or note than an id.
/// </summary>
internal static class LocalIdRule
{
    public const int MaxLength = 20;

    /// <summary>Null when <paramref name="local"/> is acceptable, else the broken rule, prefixed with <paramref name="label"/>.</summary>
    public static string? Check(string local, string label)
    {
        if (local.Length > MaxLength)
            return $"{label} local part must be at most {MaxLength} characters but has {local.Length}";
        foreach (var c in local)
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
                return $"{label} local part may contain only letters A-Z, digits, '-' and '_'";
        return null;
    }
}
