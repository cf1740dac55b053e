using SendInterop.Domain.Sen2;

namespace SendInterop.Domain.Tests.Sen2;

public class Sen2CodeListTests
{
    [Theory]
    [InlineData("RequestSource", "1 2 3 4 5")]
    [InlineData("RequestOutcome", "Y N A W H")]
    [InlineData("AssessmentOutcome", "Y N A W H")]
    [InlineData("CeaseReason", "1 2 3 4 5 6 7 8 9")]
    [InlineData("SENsetting", "OLA OPA EHE EYP OTH NEET NIEC NIEO")]
    [InlineData("ReviewOutcome", "A C M")]
    [InlineData("RES", "A B")]
    [InlineData("WBP", "A T S")]
    [InlineData("DP", "E S H I")]
    [InlineData("SENtype", "SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD ASD DS OTH")]
    [InlineData("Sex", "M F U")]
    [InlineData("UPNunknown", "UN1 UN2 UN3 UN5 UN8 UN9 UN10")]
    [InlineData("DMO/DCO", "Y N R")]
    public void Code_lists_are_those_of_sen2_md_section_2(string list, string codes)
    {
        var codeList = Sen2CodeLists.All.Single(l => l.Name == list);
        Assert.Equal(codes.Split(' '), codeList.Entries.Select(e => e.Code));
        Assert.All(codeList.Entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Description)));
    }

    [Fact]
    public void Ethnicity_has_the_cbds_main_codes_and_the_named_extended_ones()
    {
        var codes = Sen2CodeLists.Ethnicity.Entries.Select(e => e.Code).ToList();
        Assert.Equal("WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU NOBT".Split(' '), codes.Take(20));
        Assert.Contains("WENG", codes);
        Assert.Contains("OAFG", codes);
    }

    [Fact]
    public void Down_syndrome_is_a_need_type_from_2025_and_codes_are_case_sensitive()
    {
        Assert.False(Sen2CodeLists.SenType.TryGet("DS", 2024, out _));
        Assert.True(Sen2CodeLists.SenType.TryGet("DS", 2025, out var ds));
        Assert.Equal("Down syndrome", ds.Description);
        Assert.False(Sen2CodeLists.SenType.TryGet("asd", 2026, out _));
    }

    [Fact]
    public void Same_code_on_two_lists_is_two_different_codes()
    {
        Assert.NotEqual(Sen2CodeLists.RequestOutcome["Y"], Sen2CodeLists.AssessmentOutcome["Y"]);
        Assert.Equal(Sen2CodeLists.RequestOutcome["Y"], Sen2CodeLists.RequestOutcome["Y"]);
    }
}
