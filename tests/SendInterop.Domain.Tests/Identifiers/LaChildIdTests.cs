using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Tests.Identifiers;

public class LaChildIdTests
{
    [Fact]
    public void La_child_id_always_carries_its_la_code()
    {
        var id = LaChildId.Parse("881/C0012345");
        Assert.Equal("881", id.LaCode.Value);
        Assert.Equal("C0012345", id.LocalId);
        Assert.Equal("881/C0012345", id.Value);
    }

    [Fact]
    public void Same_local_id_in_two_las_is_two_different_children()
    {
        Assert.NotEqual(LaChildId.Create(LaCode.Parse("881"), "12345"), LaChildId.Create(LaCode.Parse("882"), "12345"));
        Assert.Equal(LaChildId.Create(LaCode.Parse("881"), "12345"), LaChildId.Parse("881/12345"));
    }

    [Theory]
    [InlineData(null, "LA child id is missing")]
    [InlineData("C0012345", "LA child id must be the 3-digit LA code, '/', then the local id")]
    [InlineData("881/", "LA child id must be the 3-digit LA code, '/', then the local id")]
    [InlineData("88A/C001", "LA child id: LA code must contain only the digits 0-9")]
    [InlineData("000/C001", "LA child id: LA code 000 is not a local authority")]
    [InlineData("881/C 001", "LA child id local part may contain only letters A-Z, digits, '-' and '_'")]
    [InlineData("881/ABCDEFGHIJKLMNOPQRSTU", "LA child id local part must be at most 20 characters but has 21")]
    public void Malformed_la_child_id_is_rejected_with_the_rule_named(string? value, string expected)
    {
        Assert.False(LaChildId.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("88", "LA code must be 3 digits but has 2 characters")]
    [InlineData("8810", "LA code must be 3 digits but has 4 characters")]
    public void La_code_must_be_three_digits(string value, string expected)
    {
        Assert.False(LaCode.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void La_code_from_number_is_zero_padded()
    {
        Assert.Equal("020", LaCode.FromNumber(20).Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => LaCode.FromNumber(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LaCode.FromNumber(1000));
    }
}
