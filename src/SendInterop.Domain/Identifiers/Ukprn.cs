namespace SendInterop.Domain.Identifiers;

/// <summary>
/// UK Provider Reference Number (UK Register of Learning Providers) for colleges and training providers: eight digits
/// starting with 1 (10000000-19999999). No check digit is published.
/// </summary>
public readonly record struct Ukprn
{
    public const string System = IdentifierSystems.Ukprn;

    private Ukprn(int value) => Value = value;

    public int Value { get; }

    public override string ToString() => Value.ToString(global::System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParse(string? value, out Ukprn result, out string error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "UKPRN is missing";
            return false;
        }
        if (value.Length != 8 || !value.All(char.IsAsciiDigit))
        {
            error = "UKPRN must be exactly 8 digits";
            return false;
        }
        if (value[0] != '1')
        {
            error = "UKPRN must start with 1 (10000000-19999999)";
            return false;
        }
        result = new Ukprn(int.Parse(value, global::System.Globalization.CultureInfo.InvariantCulture));
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The value breaks a rule; the message names it.</exception>
    public static Ukprn Parse(string? value) => TryParse(value, out var r, out var e) ? r : throw new FormatException(e);
}
