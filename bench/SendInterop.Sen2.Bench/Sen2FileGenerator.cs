using System.Globalization;
using System.Text;
using SendInterop.Domain.Identifiers;

namespace SendInterop.Sen2.Bench;

/// <summary>
/// A deterministic synthetic SEN2 return: the same arguments always give the same bytes, so a first import and a re-import
/// (and runs on different days) post identical files. Four record shapes in turn (a refused request, an open assessment, an
/// issued plan with placements, needs and a review, a ceased plan), and identifiers in the proportions of a real return:
/// most children with a UPN, some with only a ULN, some with neither (the import then derives an LA child id after a
/// name look-up). Names come from a syllable table: nothing real. Names, birth dates and postcodes are drawn from a hash of
/// the record number, so neighbouring records are as unalike as two children of a real return. (Until 2026-11-26 they were
/// counted out in order, so each child had a neighbour with the same forename, a surname one syllable away and a birth date
/// a day away: the linkage engine rightly opened about 2.4 possible-duplicate review Tasks per child, a cost no real return
/// has; docs/performance.md, "SEN2 import rate".)
/// </summary>
public static class Sen2FileGenerator
{
    private static readonly string[] Syllables =
    [
        "ba", "ko", "ri", "ne", "tu", "la", "mi", "so", "de", "fa", "gu", "pe",
        "zo", "vi", "ha", "ju", "wen", "dor", "sti", "mar", "kel", "bry", "than", "os",
    ];

    public const int MaxSeed = 84;

    public static void Write(TextWriter output, int records, string la, int seed)
    {
        // A ULN's first nine digits are 400,000,000 + 7n (+ a few): past seed 85 they no longer fit in nine digits and
        // the ULN search below would never end.
        if (seed is < 0 or > MaxSeed) throw new ArgumentOutOfRangeException(nameof(seed), seed, $"the seed must be between 0 and {MaxSeed}");
        if (records is < 0 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(records), records, "between 0 and 1,000,000 records");
        var laCode = LaCode.Parse(la);
        output.Write(Header(la));
        for (var i = 0; i < records; i++) output.Write(Person(laCode, i, seed));
        output.Write("  </Persons>\n</Message>\n");
    }

    private static string Person(LaCode la, int i, int seed)
    {
        // n is unique per record and seed; the UPN's establishment and serial spell n out, so no two children share one.
        var n = seed * 1_000_000 + i;
        var kind = i % 10;
        var upn = kind >= 2 ? Upn.Create(la, 1000 + (n / 1000) % 9000, 20 + (n / 9_000_000) % 10, n % 1000).Value : null;
        string? uln = null;
        for (var k = 0; kind == 1 && uln is null; k++) uln = Uln.FromFirstNineDigits((400_000_000 + n * 7 + k).ToString(CultureInfo.InvariantCulture))?.Value;

        var text = new StringBuilder(2048);
        text.Append(CultureInfo.InvariantCulture, $"""
                <Person>
                  <Surname>{Name(Mix(n, 1), 4)}</Surname>
                  <Forename>{Name(Mix(n, 2), 2 + (int)(Mix(n, 5) % 2))}</Forename>
                  <PersonBirthDate>{new DateOnly(2003, 1, 1).AddDays((int)(Mix(n, 3) % 7000)):yyyy-MM-dd}</PersonBirthDate>
                  <Sex>{(n % 2 == 0 ? "F" : "M")}</Sex>
                  <Ethnicity>{Ethnicities[n % Ethnicities.Length]}</Ethnicity>
                  <PostCode>ZZ{Mix(n, 4) % 90 + 10} {Mix(n, 4) / 90 % 9 + 1}ZZ</PostCode>

            """);
        if (upn is not null) text.Append(CultureInfo.InvariantCulture, $"      <UPN>{upn}</UPN>\n");
        if (uln is not null) text.Append(CultureInfo.InvariantCulture, $"      <UniqueLearnerNumber>{uln}</UniqueLearnerNumber>\n");
        if (upn is null && uln is null) text.Append("      <UPNunknown>UN8</UPNunknown>\n");
        text.Append(((i / 10 + i) % 4) switch { 0 => Refused, 1 => Assessing, 2 => Issued, _ => Ceased });
        text.Append("    </Person>\n");
        return text.ToString();
    }

    private static readonly string[] Ethnicities = ["WBRI", "MWBA", "ABAN", "WIRI", "BAFR", "CHNE", "AIND", "WOTH"];

    private static string Name(ulong hash, int syllables)
    {
        var name = new StringBuilder();
        for (var i = 0; i < syllables; i++, hash /= (ulong)Syllables.Length) name.Append(Syllables[hash % (ulong)Syllables.Length]);
        name[0] = char.ToUpperInvariant(name[0]);
        return name.ToString();
    }

    /// <summary>A well-mixed 64-bit hash of (n, salt) (the SplitMix64 finaliser): deterministic, unalike for neighbours.</summary>
    private static ulong Mix(int n, int salt)
    {
        var z = (ulong)n * 0x9E3779B97F4A7C15UL + (ulong)salt * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static string Header(string la) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <Message>
          <Header>
            <CollectionDetails>
              <Collection>SEN2</Collection>
              <Year>2026</Year>
              <ReferenceDate>2026-01-15</ReferenceDate>
            </CollectionDetails>
            <Source>
              <SourceLevel>L</SourceLevel>
              <LEA>{la}</LEA>
              <SoftwareCode>BenchSEND</SoftwareCode>
              <Release>1.0.0</Release>
              <SerialNo>001</SerialNo>
              <DateTime>2026-02-02T09:30:00</DateTime>
              <DMO>Y</DMO>
              <DCO>N</DCO>
            </Source>
          </Header>
          <Persons>

        """;

    private const string Refused = """
              <Requests>
                <ReceivedDate>2025-05-12</ReceivedDate>
                <RequestSource>1</RequestSource>
                <RYA>0</RYA>
                <RequestOutcomeDate>2025-06-20</RequestOutcomeDate>
                <RequestOutcome>N</RequestOutcome>
                <RequestMediation>0</RequestMediation>
                <RequestTribunal>1</RequestTribunal>
              </Requests>

        """;

    private const string Assessing = """
              <Requests>
                <ReceivedDate>2025-09-01</ReceivedDate>
                <RequestSource>3</RequestSource>
                <RequestOutcomeDate>2025-10-10</RequestOutcomeDate>
                <RequestOutcome>Y</RequestOutcome>
                <Assessment>
                  <AssessmentOutcome>A</AssessmentOutcome>
                </Assessment>
              </Requests>

        """;

    private const string Issued = """
              <Requests>
                <RequestOutcome>H</RequestOutcome>
              </Requests>
              <Requests>
                <ReceivedDate>2025-02-03</ReceivedDate>
                <RequestSource>2</RequestSource>
                <RYA>0</RYA>
                <RequestOutcomeDate>2025-03-14</RequestOutcomeDate>
                <RequestOutcome>Y</RequestOutcome>
                <RequestMediation>0</RequestMediation>
                <RequestTribunal>0</RequestTribunal>
                <Assessment>
                  <AssessmentOutcome>Y</AssessmentOutcome>
                  <AssessmentOutcomeDate>2025-07-14</AssessmentOutcomeDate>
                  <AssessmentMediation>0</AssessmentMediation>
                  <AssessmentTribunal>0</AssessmentTribunal>
                  <OtherMediation>0</OtherMediation>
                  <OtherTribunal>0</OtherTribunal>
                  <Week20>1</Week20>
                  <NamedPlan>
                    <StartDate>2025-07-14</StartDate>
                    <PlanDetail>
                      <URN>100001</URN>
                      <PlacementRank>1</PlacementRank>
                      <SENunitIndicator>0</SENunitIndicator>
                      <ResourcedProvisionIndicator>1</ResourcedProvisionIndicator>
                    </PlanDetail>
                    <PlanDetail>
                      <UKPRN>10000001</UKPRN>
                      <PlacementRank>2</PlacementRank>
                      <SENunitIndicator>0</SENunitIndicator>
                      <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
                    </PlanDetail>
                    <PB>1</PB>
                    <OA>0</OA>
                    <DP>E</DP>
                  </NamedPlan>
                </Assessment>
                <ActivePlans>
                  <PlacementDetail>
                    <URN>100001</URN>
                    <PlacementRank>1</PlacementRank>
                    <EntryDate>2025-09-03</EntryDate>
                    <SENunitIndicator>0</SENunitIndicator>
                    <ResourcedProvisionIndicator>1</ResourcedProvisionIndicator>
                  </PlacementDetail>
                  <PlacementDetail>
                    <UKPRN>10000001</UKPRN>
                    <PlacementRank>2</PlacementRank>
                    <EntryDate>2025-09-03</EntryDate>
                    <SENunitIndicator>0</SENunitIndicator>
                    <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
                    <WBP>S</WBP>
                  </PlacementDetail>
                  <SENneed>
                    <SENtype>ASD</SENtype>
                    <SENtypeRank>1</SENtypeRank>
                  </SENneed>
                  <SENneed>
                    <SENtype>SLCN</SENtype>
                    <SENtypeRank>2</SENtypeRank>
                  </SENneed>
                  <ReviewMeeting>2025-12-01</ReviewMeeting>
                  <ReviewOutcome>M</ReviewOutcome>
                  <LastReview>2025-12-10</LastReview>
                </ActivePlans>
              </Requests>

        """;

    private const string Ceased = """
              <Requests>
                <ReceivedDate>2023-03-01</ReceivedDate>
                <RequestSource>4</RequestSource>
                <RequestOutcomeDate>2023-04-11</RequestOutcomeDate>
                <RequestOutcome>Y</RequestOutcome>
                <Assessment>
                  <AssessmentOutcome>Y</AssessmentOutcome>
                  <AssessmentOutcomeDate>2023-07-20</AssessmentOutcomeDate>
                  <Week20>0</Week20>
                  <NamedPlan>
                    <StartDate>2023-07-20</StartDate>
                    <PlanDetail>
                      <SENsetting>NIEC</SENsetting>
                      <PlacementRank>1</PlacementRank>
                      <SENunitIndicator>0</SENunitIndicator>
                      <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
                    </PlanDetail>
                    <CeaseDate>2025-08-31</CeaseDate>
                    <CeaseReason>3</CeaseReason>
                  </NamedPlan>
                </Assessment>
              </Requests>

        """;
}
