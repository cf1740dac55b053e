using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Tests.Identifiers;

public class UpnTests
{
    [Theory]
    [InlineData("B801200005001")] // DOMAIN.md 3.2 worked example: 93 mod 23 = 1 = B
    [InlineData("M881123425001")] // by hand: 16+24+4+5+12+21+32+18+50+0+0+13 = 195, 195 mod 23 = 11 = M
    public void Published_and_hand_checked_permanent_upns_are_valid(string value)
    {
        Assert.True(Upn.TryParse(value, out var upn, out var error), error);
        Assert.False(upn.IsTemporary);
    }

    [Fact]
    public void Temporary_upn_with_letter_in_position_13_is_valid_and_flagged()
    {
        // By hand: 4+0+12+5+12+21+32+9+20+0+12 + A(0)*13 = 127, 127 mod 23 = 12 = N.
        Assert.True(Upn.TryParse("N20312341201A", out var upn, out var error), error);
        Assert.True(upn.IsTemporary);
        Assert.Equal("203", upn.LaCode.Value);
    }

    [Fact]
    public void Upn_with_wrong_check_letter_is_rejected_naming_both_letters()
    {
        Assert.False(Upn.TryParse("C801200005001", out _, out var error));
        Assert.Equal("UPN check letter is C but the DfE modulus 23 rule gives B", error);
    }

    [Theory]
    [InlineData(null, "UPN is missing")]
    [InlineData("B80120000500", "UPN must be 13 characters but has 12")]
    [InlineData("b801200005001", "UPN must start with an upper-case check letter from A-Z excluding I, O and S")]
    [InlineData("I801200005001", "UPN must start with an upper-case check letter from A-Z excluding I, O and S")]
    [InlineData("B8012000A5001", "UPN characters 2-12 must be digits (LA code, establishment number, year, serial)")]
    [InlineData("B80120000500O", "UPN character 13 must be a digit, or for a temporary UPN an upper-case letter from A-Z excluding I, O and S")]
    [InlineData("B000200005001", "UPN LA code (characters 2-4) is 000, which is not a local authority")]
    public void Malformed_upn_is_rejected_with_the_rule_named(string? value, string expected)
    {
        Assert.False(Upn.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Create_reproduces_the_published_example()
    {
        var upn = Upn.Create(LaCode.Parse("801"), establishment: 2000, allocationYear: 5, serial: 1);
        Assert.Equal("B801200005001", upn.Value);
    }

    [Fact]
    public void Created_permanent_and_temporary_upns_always_parse()
    {
        var random = new Random(42);
        const string letters = "ABCDEFGHJKLMNPQRTUVWXYZ";
        for (var i = 0; i < 10_000; i++)
        {
            var la = LaCode.FromNumber(random.Next(1, 1000));
            var upn = i % 2 == 0
                ? Upn.Create(la, random.Next(0, 10_000), random.Next(0, 100), random.Next(0, 1000))
                : Upn.CreateTemporary(la, random.Next(0, 10_000), random.Next(0, 100), random.Next(0, 100), letters[random.Next(letters.Length)]);

            Assert.True(Upn.TryParse(upn.Value, out var parsed, out var error), $"{upn.Value}: {error}");
            Assert.Equal(i % 2 == 1, parsed.IsTemporary);
            Assert.Equal(la, parsed.LaCode);
        }
    }

    [Fact]
    public void Changing_any_one_digit_of_a_valid_upn_makes_it_invalid()
    {
        // Weights 2..13 are all coprime with the prime 23 and digit changes are below 23, so one change always shows.
        var random = new Random(3);
        for (var n = 0; n < 200; n++)
        {
            var valid = Upn.Create(LaCode.FromNumber(random.Next(1, 1000)), random.Next(0, 10_000), random.Next(0, 100), random.Next(0, 1000)).Value;
            for (var position = 1; position < 13; position++)
            {
                for (var digit = '0'; digit <= '9'; digit++)
                {
                    if (digit == valid[position])
                    {
                        continue;
                    }

                    var changed = string.Concat(valid.AsSpan(0, position), [digit], valid.AsSpan(position + 1));
                    Assert.False(Upn.TryParse(changed, out _, out _), $"{valid} -> {changed}");
                }
            }
        }
    }

    [Fact]
    public void Temporary_upn_letter_must_come_from_the_check_alphabet()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Upn.CreateTemporary(LaCode.Parse("801"), 2000, 5, 1, 'O'));
    }

    [Fact]
    public void Create_rejects_out_of_range_parts()
    {
        var la = LaCode.Parse("801");
        Assert.Throws<ArgumentOutOfRangeException>(() => Upn.Create(la, 10_000, 5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Upn.Create(la, 2000, 100, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Upn.Create(la, 2000, 5, 1000));
        Assert.Throws<ArgumentException>(() => Upn.Create(default, 2000, 5, 1));
    }
}
