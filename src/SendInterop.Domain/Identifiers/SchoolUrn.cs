namespace SendInterop.Domain.Identifiers;

/// <summary>
/// A school's Unique Reference Number (DfE, Get Information about Schools): six digits, 100000-999999. URNs carry no
/// check digit.
/// </summary>
public readonly record struct SchoolUrn
{
    public const string System = IdentifierSystems.SchoolUrn;

    private SchoolUrn(int value) => Value = value;

    public int Value { get; }

    public override string ToString() => Value.ToString(global::System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParse(string? value, out SchoolUrn result, out string error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "school URN is missing";
            return false;
        }
        if (value.Length != 6 || !value.All(char.IsAsciiDigit))
        {
            error = "school URN must be exactly 6 digits";
            return false;
        }
        if (value[0] == '0')
        {
            error = "school URN must be between 100000 and 999999";
            return false;
        }
        result = new SchoolUrn(int.Parse(value, global::System.Globalization.CultureInfo.InvariantCulture));
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The value breaks a rule; the message names it.</exception>
    public static SchoolUrn Parse(string? value) => TryParse(value, out var r, out var e) ? r : throw new FormatException(e);
}
