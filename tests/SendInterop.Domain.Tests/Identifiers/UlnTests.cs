using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Tests.Identifiers;

public class UlnTests
{
    [Theory]
    [InlineData("0000000042")] // DOMAIN.md 3.3: sum 8, r = 8, check 10 - 8 = 2
    [InlineData("1234567899")] // by hand: sum 210, r = 1, check 9
    [InlineData("1000000000")] // by hand: sum 10, r = 10, check 0
    public void Published_and_hand_checked_ulns_are_valid(string value)
    {
        Assert.True(Uln.TryParse(value, out var uln, out var error), error);
        Assert.Equal(value, uln.Value);
    }

    [Fact]
    public void Uln_whose_weighted_sum_is_divisible_by_11_is_rejected()
    {
        // 987654321: 90+72+56+42+30+20+12+6+2 = 330 = 30 * 11, so r = 0 and no check digit is valid.
        Assert.False(Uln.TryParse("9876543210", out _, out var error));
        Assert.Contains("divisible by 11", error);
        Assert.Null(Uln.FromFirstNineDigits("987654321"));
    }

    [Fact]
    public void Uln_with_wrong_check_digit_is_rejected_naming_both_digits()
    {
        Assert.False(Uln.TryParse("0000000043", out _, out var error));
        Assert.Equal("ULN check digit is 3 but the ULN modulus 11 rule gives 2", error);
    }

    [Theory]
    [InlineData(null, "ULN is missing")]
    [InlineData("000000042", "ULN must be 10 digits but has 9 characters")]
    [InlineData("00000000A2", "ULN must contain only the digits 0-9")]
    public void Malformed_uln_is_rejected_with_the_rule_named(string? value, string expected)
    {
        Assert.False(Uln.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Ilr_temporary_uln_is_accepted_only_when_asked_for()
    {
        Assert.False(Uln.TryParse(Uln.TemporaryValue, out _, out var error));
        Assert.Contains("temporary", error);
        Assert.True(Uln.Parse(Uln.TemporaryValue, UlnParseOptions.AllowTemporary).IsTemporary);
    }

    [Fact]
    public void From_first_nine_digits_returns_null_or_a_uln_that_parses_for_ten_thousand_random_prefixes()
    {
        var random = new Random(99);
        var nulls = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var nine = random.Next(0, 1_000_000_000).ToString("D9");
            var uln = Uln.FromFirstNineDigits(nine);
            if (uln is null)
            {
                nulls++;
                continue;
            }

            Assert.True(Uln.TryParse(uln.Value.Value, out var parsed, out var error), $"{nine}: {error}");
            Assert.StartsWith(nine, parsed.Value);
        }

        Assert.InRange(nulls, 700, 1100);
    }

    [Fact]
    public void Changing_any_one_digit_of_a_valid_uln_makes_it_invalid()
    {
        var random = new Random(5);
        for (var n = 0; n < 300; n++)
        {
            Uln? uln = null;
            while (uln is null)
            {
                uln = Uln.FromFirstNineDigits(random.Next(0, 1_000_000_000).ToString("D9"));
            }

            var valid = uln.Value.Value;
            for (var position = 0; position < 10; position++)
            {
                for (var digit = '0'; digit <= '9'; digit++)
                {
                    if (digit == valid[position])
                    {
                        continue;
                    }

                    var changed = string.Concat(valid.AsSpan(0, position), [digit], valid.AsSpan(position + 1));
                    if (changed == Uln.TemporaryValue)
                    {
                        continue;
                    }

                    Assert.False(Uln.TryParse(changed, out _, out _), $"{valid} -> {changed}");
                }
            }
        }
    }
}
