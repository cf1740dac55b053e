using SendInterop.Domain.Identity.Linkage.Text;

namespace SendInterop.Domain.Tests.Identity.Linkage;

/// <summary>Jaro-Winkler, Soundex and the letter bag against published values, plus seeded random property checks.</summary>
public class TextAlgorithmTests
{
    [Theory]
    // Winkler (1990) / the standard worked examples.
    [InlineData("MARTHA", "MARHTA", 0.961)]
    [InlineData("DWAYNE", "DUANE", 0.840)]
    [InlineData("DIXON", "DICKSONX", 0.813)]
    public void Jaro_winkler_matches_published_values(string a, string b, double expected)
    {
        Assert.Equal(expected, JaroWinkler.Similarity(a, b), 3);
    }

    [Fact]
    public void Jaro_without_prefix_boost_matches_published_values()
    {
        Assert.Equal(0.944, JaroWinkler.Jaro("MARTHA", "MARHTA"), 3);
        Assert.Equal(0.822, JaroWinkler.Jaro("DWAYNE", "DUANE"), 3);
        Assert.Equal(0.767, JaroWinkler.Jaro("DIXON", "DICKSONX"), 3);
    }

    [Fact]
    public void Jaro_winkler_edge_cases()
    {
        Assert.Equal(1.0, JaroWinkler.Similarity("", ""));
        Assert.Equal(0.0, JaroWinkler.Similarity("ABC", ""));
        Assert.Equal(0.0, JaroWinkler.Similarity("ABC", "XYZ"));
        Assert.Equal(1.0, JaroWinkler.Similarity("SMITH", "SMITH"));
    }

    [Fact]
    public void Jaro_winkler_is_symmetric_bounded_and_one_only_for_equal_strings()
    {
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var a = RandomName(random);
            var b = random.Next(4) == 0 ? Mutate(a, random) : RandomName(random);
            var ab = JaroWinkler.Similarity(a, b);
            var ba = JaroWinkler.Similarity(b, a);
            Assert.Equal(ab, ba, 12);
            Assert.InRange(ab, 0.0, 1.0);
            Assert.Equal(1.0, JaroWinkler.Similarity(a, a));
            if (a != b)
            {
                Assert.True(ab < 1.0, $"{a}/{b} scored 1");
            }
        }
    }

    [Theory]
    // US National Archives Soundex examples.
    [InlineData("Robert", "R163")]
    [InlineData("Rupert", "R163")]
    [InlineData("Rubin", "R150")]
    [InlineData("Ashcraft", "A261")]
    [InlineData("Ashcroft", "A261")]
    [InlineData("Tymczak", "T522")]
    [InlineData("Pfister", "P236")]
    [InlineData("Honeyman", "H555")]
    [InlineData("Lee", "L000")]
    [InlineData("O'Brien", "O165")]
    public void Soundex_matches_published_examples(string name, string code)
    {
        Assert.Equal(code, Soundex.Encode(name));
    }

    [Fact]
    public void Soundex_has_no_code_for_text_without_letters()
    {
        Assert.Null(Soundex.Encode(null));
        Assert.Null(Soundex.Encode(""));
        Assert.Null(Soundex.Encode("123 -"));
    }

    [Fact]
    public void Soundex_is_a_letter_and_three_digits_whatever_the_case()
    {
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            var name = RandomName(random);
            var code = Soundex.Encode(name)!;
            Assert.Matches("^[A-Z][0-6]{3}$", code);
            Assert.Equal(code, Soundex.Encode(name.ToLowerInvariant()));
            Assert.Equal(name[0], code[0]);
        }
    }

    [Fact]
    public void Letter_bag_ignores_order_and_counts_extra_letters()
    {
        Assert.Equal(0, LetterBag.Distance("HART", "RAHT"));
        Assert.Equal(1, LetterBag.Distance("HENRY", "NEHRRY"));
        Assert.True(LetterBag.NearlySameLetters("HART", "RAHT"));
        Assert.False(LetterBag.NearlySameLetters("AMY", "MAY")); // too short to say
        Assert.False(LetterBag.NearlySameLetters("SMITH", "JONES"));
    }

    [Theory]
    [InlineData("NR14 6AB", "NR", "NR14", "NR14 6", "NR14 6AB")]
    [InlineData("nr146ab", "NR", "NR14", "NR14 6", "NR14 6AB")]
    [InlineData("EC1A 1BB", "EC", "EC1A", "EC1A 1", "EC1A 1BB")]
    [InlineData("W1A 0AX", "W", "W1A", "W1A 0", "W1A 0AX")]
    [InlineData("M1 1AE", "M", "M1", "M1 1", "M1 1AE")]
    public void Postcode_parts_are_area_district_sector_unit(string text, string area, string district, string sector, string unit)
    {
        var postcode = UkPostcode.TryParse(text)!;
        Assert.Equal(new UkPostcode(area, district, sector, unit), postcode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("NR14")]
    [InlineData("14 6AB")]
    [InlineData("NR14 AAB")]
    [InlineData("ABC1 6AB")]
    [InlineData("A999 9AA")]
    public void Incomplete_or_malformed_postcodes_do_not_parse(string text)
    {
        Assert.Null(UkPostcode.TryParse(text));
    }

    [Theory]
    [InlineData("WILLIAM", "BILL")]
    [InlineData("WILLIAM", "LIAM")]
    [InlineData("ROBERT", "BOB")]
    [InlineData("ELIZABETH", "BETTY")]
    [InlineData("KATHERINE", "KATIE")]
    [InlineData("ALEX", "ALEXANDRA")]
    [InlineData("ALEX", "ALEXANDER")]
    public void Nicknames_share_a_family(string a, string b)
    {
        Assert.True(Nicknames.AreEquivalent(a, b));
        Assert.True(Nicknames.AreEquivalent(b, a));
    }

    [Fact]
    public void Different_names_are_not_nicknames()
    {
        Assert.False(Nicknames.AreEquivalent("ALEXANDER", "ALEXANDRA")); // share ALEX, but are not each other's nickname
        Assert.False(Nicknames.AreEquivalent("JACK", "JOSHUA"));
        Assert.False(Nicknames.AreEquivalent("ZEBEDEE", "ZEBEDEE2"));
    }

    [Fact]
    public void Names_normalise_to_upper_case_letters()
    {
        Assert.Equal("OBRIEN", NameText.Normalise(" O'Brien "));
        Assert.Equal("ZOE", NameText.Normalise("Zoë"));
        Assert.Equal(["SMITH", "JONES"], NameText.Tokens("Smith-Jones"));
        Assert.Equal(["MARY", "JANE"], NameText.Tokens("Mary  Jane"));
        Assert.Null(NameText.Normalise(" - "));
    }

    internal static string RandomName(Random random)
    {
        const string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZAEIOUAEIOU";
        var length = 2 + random.Next(9);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = letters[random.Next(letters.Length)];
        }
        chars[0] = (char)('A' + random.Next(26));
        return new string(chars);
    }

    internal static string Mutate(string name, Random random)
    {
        if (name.Length < 3)
        {
            return name + "A";
        }
        var i = 1 + random.Next(name.Length - 2);
        return random.Next(3) switch
        {
            0 => string.Concat(name.AsSpan(0, i), name[i + 1].ToString(), name[i].ToString(), name.AsSpan(i + 2)),
            1 => name.Remove(i, 1),
            _ => name.Insert(i, "E"),
        };
    }
}
