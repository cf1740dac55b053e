namespace SendInterop.Domain.Identifiers;

/// <summary>
/// The old-style 3-digit DfE local authority code (e.g. 881 Essex), as used in UPNs and SEN2 returns. It scopes
/// identifiers that are only unique inside one LA (DOMAIN.md 3.4).
/// </summary>
/// <remarks>000 is rejected because no LA has it and it is what a zero-filled default looks like.</remarks>
public readonly record struct LaCode
{
    private readonly string? _value;

    private LaCode(string value) => _value = value;

    /// <summary>The three digits.</summary>
    public string Value => _value ?? string.Empty;

    public override string ToString() => Value;

    public static bool TryParse(string? value, out LaCode result, out string error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "LA code is missing";
            return false;
        }

        if (value.Length != 3)
        {
            error = $"LA code must be 3 digits but has {value.Length} characters";
            return false;
        }

        if (value.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            error = "LA code must contain only the digits 0-9";
            return false;
        }

        if (value == "000")
        {
            error = "LA code 000 is not a local authority";
            return false;
        }

        result = new LaCode(value);
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The value breaks a rule; the message names it.</exception>
    public static LaCode Parse(string? value) =>
        TryParse(value, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>The LA code for a number 1-999, zero-padded ("881", "020").</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number is outside 1-999.</exception>
    public static LaCode FromNumber(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, 999);
        return new LaCode(number.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
    }
}
