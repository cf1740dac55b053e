using System.Globalization;

namespace SendInterop.Domain.Identifiers;

/// <summary>
/// A Unique Pupil Number (DOMAIN.md 3.2): check letter, LA code (3 digits), DfE establishment number (4), year of
/// allocation (2), serial (3). A temporary UPN ends in a 2-digit serial and a letter. The check letter is the
/// DfE modulus 23 sum over characters 2-13 with weights 2-13.
/// </summary>
/// <remarks>
/// We do not check the LA code against the list of LAs (python-stdnum does): the list changes with reorganisations and
/// a stale list would reject real pupils. Error messages never echo the UPN.
/// </remarks>
public readonly record struct Upn
{
    /// <summary>The FHIR Identifier.system we use for UPNs (no national one exists).</summary>
    public const string System = IdentifierSystems.Upn;

    private const int Length = 13;

    /// <summary>The check alphabet: A-Z without I, O and S; a letter's value is its index (A=0 ... Z=22).</summary>
    private const string CheckAlphabet = "ABCDEFGHJKLMNPQRTUVWXYZ";

    private readonly string? _value;

    private Upn(string value) => _value = value;

    /// <summary>The 13 characters, upper case.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>True for a temporary UPN (letter in position 13), issued until the permanent one is known.</summary>
    public bool IsTemporary => _value is not null && char.IsAsciiLetter(_value[12]);

    /// <summary>The LA that allocated the UPN (characters 2-4).</summary>
    public LaCode LaCode => LaCode.Parse(Value[1..4]);

    public override string ToString() => Value;

    public static bool TryParse(string? value, out Upn result, out string error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "UPN is missing";
            return false;
        }

        if (value.Length != Length)
        {
            error = $"UPN must be {Length} characters but has {value.Length}";
            return false;
        }

        if (!CheckAlphabet.Contains(value[0], StringComparison.Ordinal))
        {
            error = "UPN must start with an upper-case check letter from A-Z excluding I, O and S";
            return false;
        }

        if (value.AsSpan(1, 11).ContainsAnyExceptInRange('0', '9'))
        {
            error = "UPN characters 2-12 must be digits (LA code, establishment number, year, serial)";
            return false;
        }

        var last = value[12];
        if (!char.IsAsciiDigit(last) && !CheckAlphabet.Contains(last, StringComparison.Ordinal))
        {
            error = "UPN character 13 must be a digit, or for a temporary UPN an upper-case letter from A-Z excluding I, O and S";
            return false;
        }

        if (value.AsSpan(1, 3).SequenceEqual("000"))
        {
            error = "UPN LA code (characters 2-4) is 000, which is not a local authority";
            return false;
        }

        var expected = CheckLetterFor(value.AsSpan(1));
        if (value[0] != expected)
        {
            error = $"UPN check letter is {value[0]} but the DfE modulus 23 rule gives {expected}";
            return false;
        }

        result = new Upn(value);
        error = string.Empty;
        return true;
    }

    /// <exception cref="FormatException">The value breaks a rule; the message names it.</exception>
    public static Upn Parse(string? value) =>
        TryParse(value, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>A permanent UPN with its check letter, for synthetic data.</summary>
    /// <param name="laCode">The allocating LA.</param>
    /// <param name="establishment">DfE establishment number, 0-9999.</param>
    /// <param name="allocationYear">Last two digits of the year of allocation, 0-99.</param>
    /// <param name="serial">Serial within the establishment and year, 0-999.</param>
    public static Upn Create(LaCode laCode, int establishment, int allocationYear, int serial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serial, 999);
        return Build(laCode, establishment, allocationYear, serial.ToString("D3", CultureInfo.InvariantCulture));
    }

    /// <summary>A temporary UPN (2-digit serial then a letter), for synthetic data.</summary>
    /// <param name="serial">Serial, 0-99.</param>
    /// <param name="letter">Upper-case letter from the check alphabet (not I, O or S).</param>
    public static Upn CreateTemporary(LaCode laCode, int establishment, int allocationYear, int serial, char letter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serial, 99);
        if (!CheckAlphabet.Contains(letter, StringComparison.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(letter), letter, "A temporary UPN ends in an upper-case letter other than I, O or S.");
        }

        return Build(laCode, establishment, allocationYear, serial.ToString("D2", CultureInfo.InvariantCulture) + letter);
    }

    private static Upn Build(LaCode laCode, int establishment, int allocationYear, string serial)
    {
        if (string.IsNullOrEmpty(laCode.Value))
        {
            throw new ArgumentException("The LA code is the default value.", nameof(laCode));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(establishment);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(establishment, 9999);
        ArgumentOutOfRangeException.ThrowIfNegative(allocationYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(allocationYear, 99);

        var body = string.Create(CultureInfo.InvariantCulture, $"{laCode.Value}{establishment:D4}{allocationYear:D2}{serial}");
        return new Upn(CheckLetterFor(body) + body);
    }

    /// <summary>
    /// The check letter for characters 2-13: each multiplied by its position (2-13), a letter in position 13 counting as
    /// its index in the check alphabet, summed, mod 23, mapped back through the alphabet.
    /// </summary>
    internal static char CheckLetterFor(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            var value = char.IsAsciiDigit(c) ? c - '0' : CheckAlphabet.IndexOf(c, StringComparison.Ordinal);
            sum += value * (i + 2);
        }

        return CheckAlphabet[sum % 23];
    }
}
