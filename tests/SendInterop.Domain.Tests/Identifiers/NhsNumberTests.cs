using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Tests.Identifiers;

public class NhsNumberTests
{
    private const NhsNumberParseOptions Test = NhsNumberParseOptions.AllowTestNumbers;

    [Theory]
    [InlineData("9434765919")] // DOMAIN.md 3.1: sum 299, 299 mod 11 = 2, check 9
    [InlineData("9434765870")] // DOMAIN.md 3.1: check works out to 0 (11 becomes 0)
    [InlineData("4010232137")] // by hand: 40+0+8+0+12+15+8+3+6 = 92, 92 mod 11 = 4, check 7
    [InlineData("4857773457")] // by hand: 40+72+40+49+42+35+12+12+10 = 312, 312 mod 11 = 4, check 7
    public void Published_and_hand_checked_examples_are_valid(string value)
    {
        Assert.True(NhsNumber.TryParse(value, out var nhs, out var error), error);
        Assert.Equal(value, nhs.Value);
        Assert.False(nhs.IsTestNumber);
    }

    [Fact]
    public void Uk_core_example_nhs_number_9912003888_is_valid_where_test_numbers_are_allowed()
    {
        // UKCore-Patient-RichardSmith-Example. By hand: 90+81+8+14+0+0+12+24+16 = 245, 245 mod 11 = 3, check 11 - 3 = 8.
        Assert.True(NhsNumber.TryParse("9912003888", Test, out var nhs, out var error), error);
        Assert.Equal("9912003888", nhs.Value);
    }

    [Fact]
    public void Uk_core_example_nhs_number_is_outside_the_999_test_range_so_it_passes_without_the_option_too()
    {
        Assert.True(NhsNumber.TryParse("9912003888", out var nhs, out var error), error);
        Assert.False(nhs.IsTestNumber);
    }

    [Fact]
    public void Test_range_number_is_rejected_unless_test_numbers_are_allowed()
    {
        var nhs = NhsNumber.FromFirstNineDigits("999000001");
        Assert.NotNull(nhs);
        Assert.False(NhsNumber.TryParse(nhs.Value.Value, out _, out var error));
        Assert.Equal("NHS number is in the 999 test range, which is accepted only where test numbers are allowed", error);
    }

    [Fact]
    public void Reserved_999_range_is_test_data()
    {
        // By hand: 90+81+72+0+0+0+0+0+2 = 245, 245 mod 11 = 3, check 8.
        var nhs = NhsNumber.Parse("9990000018", Test);
        Assert.True(nhs.IsTestNumber);
    }

    [Fact]
    public void Nhs_number_with_wrong_check_digit_is_rejected_naming_both_digits()
    {
        Assert.False(NhsNumber.TryParse("9434765913", out _, out var error));
        Assert.Equal("NHS number check digit is 3 but the modulus 11 rule gives 9", error);
    }

    [Fact]
    public void Nhs_number_whose_check_value_is_10_is_rejected()
    {
        // 123456789: 10+18+24+28+30+30+28+24+18 = 210, 210 mod 11 = 1, check = 10 -> no valid number with this prefix.
        Assert.False(NhsNumber.TryParse("1234567890", out _, out var error));
        Assert.Contains("check value 10", error);
        Assert.Null(NhsNumber.FromFirstNineDigits("123456789"));
    }

    [Theory]
    [InlineData(null, "NHS number is missing")]
    [InlineData("", "NHS number is missing")]
    [InlineData("943476591", "NHS number must be 10 digits but has 9 characters")]
    [InlineData("94347659190", "NHS number must be 10 digits but has 11 characters")]
    [InlineData("94347A5919", "NHS number must contain only the digits 0-9 but character 6 is not a digit")]
    [InlineData("943 476 5919", "NHS number must be 10 digits but has 12 characters")]
    public void Malformed_nhs_number_is_rejected_with_the_rule_named(string? value, string expected)
    {
        Assert.False(NhsNumber.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Printed_layout_with_spaces_is_accepted_only_when_asked_for()
    {
        var nhs = NhsNumber.Parse("943 476 5919", NhsNumberParseOptions.AllowSpaces);
        Assert.Equal("9434765919", nhs.Value);
        Assert.Equal("943 476 5919", nhs.ToFormattedString());
    }

    [Fact]
    public void Parse_throws_format_exception_carrying_the_rule()
    {
        var ex = Assert.Throws<FormatException>(() => NhsNumber.Parse("9434765913"));
        Assert.Contains("modulus 11", ex.Message);
    }

    [Fact]
    public void Error_messages_never_echo_the_number()
    {
        foreach (var bad in new[] { "9434765913", "9990000018", "94347A5919" })
        {
            NhsNumber.TryParse(bad, out _, out var error);
            Assert.DoesNotContain(bad, error);
        }
    }

    [Fact]
    public void From_first_nine_digits_completes_the_published_example()
    {
        Assert.Equal("9434765919", NhsNumber.FromFirstNineDigits("943476591")?.Value);
        Assert.Equal("9434765870", NhsNumber.FromFirstNineDigits("943476587")?.Value);
    }

    [Theory]
    [InlineData("12345678")]
    [InlineData("1234567890")]
    [InlineData("12345678x")]
    public void From_first_nine_digits_returns_null_for_anything_but_nine_digits(string input) =>
        Assert.Null(NhsNumber.FromFirstNineDigits(input));

    [Fact]
    public void From_first_nine_digits_returns_null_or_a_number_that_parses_for_ten_thousand_random_prefixes()
    {
        var random = new Random(20251126);
        var nulls = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var nine = random.Next(0, 1_000_000_000).ToString("D9");
            var nhs = NhsNumber.FromFirstNineDigits(nine);
            if (nhs is null)
            {
                nulls++;
                continue;
            }

            Assert.True(NhsNumber.TryParse(nhs.Value.Value, Test, out var parsed, out var error), $"{nine}: {error}");
            Assert.Equal(nhs.Value, parsed);
            Assert.StartsWith(nine, parsed.Value);
        }

        // A check value of 10 happens for 1 residue in 11: expect about 909 of 10,000.
        Assert.InRange(nulls, 700, 1100);
    }

    [Fact]
    public void Changing_any_one_digit_of_a_valid_number_makes_it_invalid()
    {
        // Weights 10..1 are all non-zero and coprime with 11, so a single-digit change always breaks the sum mod 11.
        var random = new Random(7);
        for (var n = 0; n < 300; n++)
        {
            var valid = NextValid(random);
            for (var position = 0; position < 10; position++)
            {
                for (var digit = '0'; digit <= '9'; digit++)
                {
                    if (digit == valid[position])
                    {
                        continue;
                    }

                    var changed = string.Concat(valid.AsSpan(0, position), [digit], valid.AsSpan(position + 1));
                    Assert.False(NhsNumber.TryParse(changed, Test, out _, out _), $"{valid} -> {changed}");
                }
            }
        }
    }

    [Fact]
    public void Swapping_two_adjacent_different_digits_makes_a_valid_number_invalid()
    {
        var random = new Random(11);
        for (var n = 0; n < 300; n++)
        {
            var valid = NextValid(random);
            for (var i = 0; i < 9; i++)
            {
                if (valid[i] == valid[i + 1])
                {
                    continue;
                }

                var chars = valid.ToCharArray();
                (chars[i], chars[i + 1]) = (chars[i + 1], chars[i]);
                Assert.False(NhsNumber.TryParse(new string(chars), Test, out _, out _), $"{valid} swap {i}");
            }
        }
    }

    [Fact]
    public void Default_value_has_an_empty_value_rather_than_null()
    {
        NhsNumber nhs = default;
        Assert.Equal(string.Empty, nhs.Value);
        Assert.Equal(string.Empty, nhs.ToFormattedString());
    }

    private static string NextValid(Random random)
    {
        while (true)
        {
            var nhs = NhsNumber.FromFirstNineDigits(random.Next(0, 1_000_000_000).ToString("D9"));
            if (nhs is not null)
            {
                return nhs.Value.Value;
            }
        }
    }
}
