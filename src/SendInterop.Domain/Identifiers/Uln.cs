namespace SendInterop.Domain.Identifiers;

/// <summary>How strictly <see cref="Uln.TryParse(string?, UlnParseOptions, out Uln, out string)"/> reads its input.</summary>
[Flags]
public enum UlnParseOptions
{
    /// <summary>Ten digits passing the ULN modulus 11 rule.</summary>
    None = 0,

    /// <summary>Also accept 9999999999, which the ILR uses as a temporary ULN (it does not pass the check).</summary>
    AllowTemporary = 1,
}

/// <summary>
/// A Unique Learner Number issued by the Learning Records Service (DOMAIN.md 3.3): ten digits; weights 10 down to 2 on
/// digits 1-9; r = sum mod 11; r = 0 is invalid; otherwise digit 10 must be 10 - r.
/// </summary>
public readonly record struct Uln
{
    /// <summary>The FHIR Identifier.system we use for ULNs (no national one exists).</summary>
    public const string System = IdentifierSystems.Uln;

    /// <summary>The ILR's placeholder for a learner whose ULN is not yet known.</summary>
    public const string TemporaryValue = "9999999999";

    private const int Length = 10;

    private readonly string? _value;

    private Uln(string value) => _value = value;

    /// <summary>The ten digits.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>True for the ILR placeholder 9999999999.</summary>
    public bool IsTemporary => Value == TemporaryValue;

    public override string ToString() => Value;

    public static bool TryParse(string? value, out Uln result, out string error) =>
        TryParse(value, UlnParseOptions.None, out result, out error);

    public static bool TryParse(string? value, UlnParseOptions options, out Uln result, out string error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "ULN is missing";
            return false;
        }

        if (value.Length != Length)
        {
            error = $"ULN must be {Length} digits but has {value.Length} characters";
            return false;
        }

        if (value.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            error = "ULN must contain only the digits 0-9";
            return false;
        }

        if (value == TemporaryValue)
        {
            if (options.HasFlag(UlnParseOptions.AllowTemporary))
            {
                result = new Uln(value);
                error = string.Empty;
                return true;
            }

            error = "ULN 9999999999 is the ILR temporary placeholder, which is not accepted here";
            return false;
        }

        var expected = CheckDigitFor(value.AsSpan(0, 9));
        if (expected is null)
        {
            error = "ULN is invalid: the weighted sum of its first nine digits is divisible by 11, which the ULN modulus 11 rule forbids";
            return false;
        }

        var actual = value[9] - '0';
        if (actual != expected)
        {
            error = $"ULN check digit is {actual} but the ULN modulus 11 rule gives {expected}";
            return false;
        }

        result = new Uln(value);
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The value breaks a rule; the message names it.</exception>
    public static Uln Parse(string? value, UlnParseOptions options = UlnParseOptions.None) =>
        TryParse(value, options, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>
    /// Completes nine digits with their ULN check digit, for synthetic data. Returns null when the weighted sum is divisible
    /// by 11 (no valid ULN has that prefix) or the input is not nine digits.
    /// </summary>
    public static Uln? FromFirstNineDigits(string nine)
    {
        ArgumentNullException.ThrowIfNull(nine);
        if (nine.Length != 9 || nine.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        var check = CheckDigitFor(nine);
        return check is null ? null : new Uln(nine + (char)('0' + check.Value));
    }

    /// <summary>Weights 10 down to 2, r = sum mod 11; null when r = 0, else 10 - r.</summary>
    internal static int? CheckDigitFor(ReadOnlySpan<char> nineDigits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (nineDigits[i] - '0') * (10 - i);
        }

        var r = sum % 11;
        return r == 0 ? null : 10 - r;
    }
}
