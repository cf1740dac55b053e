namespace SendInterop.Domain.Identifiers;

/// <summary>
/// An NHS organisation (ODS) code: 3 to 6 upper-case letters and digits, e.g. <c>RY3</c> (a trust), <c>RY3AA</c> (one
/// of its sites), <c>A81001</c> (a GP practice). ODS publishes no check digit, so the shape is all that can be checked.
/// </summary>
public readonly record struct OdsCode
{
    public const string System = IdentifierSystems.OdsOrganizationCode;

    private OdsCode(string value) => Value = value;

    public string Value => field ?? string.Empty;

    public override string ToString() => Value;

    public static bool TryParse(string? value, out OdsCode result, out string error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "ODS code is missing";
            return false;
        }
        if (value.Length is < 3 or > 6)
        {
            error = $"ODS code must be 3 to 6 characters but has {value.Length}";
            return false;
        }
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterUpper(c))
            {
                error = "ODS code may contain only upper-case letters A-Z and digits";
                return false;
            }
        }
        result = new OdsCode(value);
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The value breaks a rule; the message names it.</exception>
    public static OdsCode Parse(string? value) => TryParse(value, out var r, out var e) ? r : throw new FormatException(e);
}
