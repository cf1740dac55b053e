using System.Diagnostics.CodeAnalysis;

namespace SendInterop.Domain.Identifiers;

/// <summary>How strictly <see cref="NhsNumber.TryParse(string?, NhsNumberParseOptions, out NhsNumber, out string)"/> reads its input.</summary>
[Flags]
public enum NhsNumberParseOptions
{
    /// <summary>Ten digits, modulus 11 valid, outside the 999 test range.</summary>
    None = 0,

    /// <summary>Also accept 999 000 0000 - 999 999 9999, the range reserved for test data (our synthetic children).</summary>
    AllowTestNumbers = 1,

    /// <summary>Also accept the printed 3-3-4 layout with single spaces ("943 476 5919"). FHIR values never carry spaces.</summary>
    AllowSpaces = 2,
}

/// <summary>
/// A 10-digit NHS number whose 10th digit passes the modulus 11 check (DOMAIN.md 3.1). Parse once at the edge and pass
/// this type around so nothing downstream re-checks or trusts an unchecked string.
/// </summary>
/// <remarks>
/// Error messages never echo the number: they can end up in logs, which must not carry NHS numbers.
/// </remarks>
public readonly record struct NhsNumber
{
    /// <summary>The FHIR Identifier.system for NHS numbers in England (UK Core).</summary>
    public const string System = IdentifierSystems.NhsNumber;

    private const int Length = 10;
    /// <summary>
    /// 999 000 0000 - 999 999 9999 is reserved for test data (DOMAIN.md 3.1). Other unissued 9xx numbers (UK Core's
    /// example 9912003888, the textbook 943 476 5919) are not in that range and pass like any other valid number: the
    /// issued ranges change, and rejecting by range would risk turning away a real child.
    /// </summary>
    private const string TestRangePrefix = "999";

    private readonly string? _value;

    private NhsNumber(string value) => _value = value;

    /// <summary>The ten digits, no spaces.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>True when the number is in 999 000 0000 - 999 999 9999, reserved for test data.</summary>
    public bool IsTestNumber => Value.StartsWith(TestRangePrefix, StringComparison.Ordinal);

    /// <summary>The printed layout, "943 476 5919".</summary>
    public string ToFormattedString() => _value is null ? string.Empty : $"{_value[..3]} {_value[3..6]} {_value[6..]}";

    public override string ToString() => Value;

    public static bool TryParse(string? value, out NhsNumber result, out string error) =>
        TryParse(value, NhsNumberParseOptions.None, out result, out error);

    public static bool TryParse(string? value, NhsNumberParseOptions options, out NhsNumber result, out string error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "NHS number is missing";
            return false;
        }

        var digits = value;
        if (options.HasFlag(NhsNumberParseOptions.AllowSpaces) && value.Length == 12 && value[3] == ' ' && value[7] == ' ')
        {
            digits = string.Concat(value.AsSpan(0, 3), value.AsSpan(4, 3), value.AsSpan(8));
        }

        if (digits.Length != Length)
        {
            error = $"NHS number must be {Length} digits but has {digits.Length} characters";
            return false;
        }

        var badIndex = digits.AsSpan().IndexOfAnyExceptInRange('0', '9');
        if (badIndex >= 0)
        {
            error = $"NHS number must contain only the digits 0-9 but character {badIndex + 1} is not a digit";
            return false;
        }

        var expected = CheckDigitFor(digits.AsSpan(0, 9));
        if (expected is null)
        {
            error = "NHS number is invalid: the modulus 11 rule gives check value 10 for its first nine digits, which no NHS number may have";
            return false;
        }

        var actual = digits[9] - '0';
        if (actual != expected)
        {
            error = $"NHS number check digit is {actual} but the modulus 11 rule gives {expected}";
            return false;
        }

        if (digits.StartsWith(TestRangePrefix, StringComparison.Ordinal) && !options.HasFlag(NhsNumberParseOptions.AllowTestNumbers))
        {
            error = "NHS number is in the 999 test range, which is accepted only where test numbers are allowed";
            return false;
        }

        result = new NhsNumber(digits);
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The value breaks a rule; the message names it.</exception>
    public static NhsNumber Parse(string? value, NhsNumberParseOptions options = NhsNumberParseOptions.None) =>
        TryParse(value, options, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>
    /// Completes nine digits with their modulus 11 check digit, for synthetic data. Returns null when the check value
    /// would be 10 (about 1 prefix in 11 has no valid NHS number) or the input is not nine digits. The result may be in
    /// the 999 test range; parse it with <see cref="NhsNumberParseOptions.AllowTestNumbers"/>.
    /// </summary>
    public static NhsNumber? FromFirstNineDigits(string nine)
    {
        ArgumentNullException.ThrowIfNull(nine);
        if (nine.Length != 9 || nine.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        var check = CheckDigitFor(nine);
        return check is null ? null : new NhsNumber(nine + (char)('0' + check.Value));
    }

    /// <summary>
    /// The modulus 11 check digit for the first nine digits: weights 10 down to 2, check = 11 - (sum mod 11), 11 becomes 0,
    /// and 10 means no valid number (null).
    /// </summary>
    internal static int? CheckDigitFor(ReadOnlySpan<char> nineDigits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (nineDigits[i] - '0') * (10 - i);
        }

        var check = 11 - (sum % 11);
        return check switch
        {
            11 => 0,
            10 => null,
            _ => check,
        };
    }

    /// <summary>True when <paramref name="value"/> parses with <paramref name="options"/>.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value, NhsNumberParseOptions options = NhsNumberParseOptions.None) =>
        TryParse(value, options, out _, out _);
}
