using System.Globalization;
using System.Text;
using SendInterop.Domain.Identifiers;

namespace SendInterop.Gateway.Tests.Sen2;

/// <summary>A fictitious child for a SEN2 test file: identifiers with valid check characters, names no other test uses.</summary>
public sealed record Sen2TestChild(string Surname, string Forename, string BirthDate, string PostCode, string? Upn, string? Uln);

/// <summary>
/// SEN2 returns for the gateway tests, written as text (not through the writer under test) in the 2026 layout. Every value is
/// made up; UPNs and ULNs are unique per process so tests sharing a database never meet each other's children.
/// </summary>
public static class Sen2Returns
{
    private static int _next = Random.Shared.Next(0, 500_000);

    /// <summary>A new child: with a UPN (default), a ULN only, or neither (UPNunknown).</summary>
    public static Sen2TestChild Child(string la, bool upn = true, bool uln = false)
    {
        var n = Interlocked.Increment(ref _next);
        Uln? learner = null;
        for (var k = 0; learner is null && uln; k++) learner = Domain.Identifiers.Uln.FromFirstNineDigits((400_000_000 + n * 7 + k).ToString(CultureInfo.InvariantCulture));
        return new Sen2TestChild(
            Name(n, "Tes"), Name(n / 7 + 3, "Al"), new DateOnly(2009, 1, 1).AddDays(n % 5000).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            $"ZZ{n % 90 + 10} {n % 9 + 1}ZZ",
            upn ? Domain.Identifiers.Upn.Create(LaCode.Parse(la), 1000 + n / 1000 % 9000, 20 + n / 9_000_000 % 10, n % 1000).Value : null,
            learner?.Value);
    }

    public static string Return(string la, params string[] persons) => Header(la) + string.Concat(persons) + Footer;

    public static string Header(string la, int year = 2026, string referenceDate = "2026-01-15") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <Message>
          <Header>
            <CollectionDetails>
              <Collection>SEN2</Collection>
              <Year>{year}</Year>
              <ReferenceDate>{referenceDate}</ReferenceDate>
            </CollectionDetails>
            <Source>
              <SourceLevel>L</SourceLevel>
              <LEA>{la}</LEA>
              <SoftwareCode>ExampleSEND</SoftwareCode>
              <Release>1.0.0</Release>
              <SerialNo>001</SerialNo>
              <DateTime>2026-02-02T09:30:00</DateTime>
              <DMO>Y</DMO>
              <DCO>N</DCO>
            </Source>
          </Header>
          <Persons>

        """;

    public const string Footer = """
          </Persons>
        </Message>

        """;

    /// <summary>A request refused at the decision to assess (no Assessment module).</summary>
    public static string Refused(Sen2TestChild c, string ethnicity = "WBRI") => Person(c, ethnicity, """
              <Requests>
                <ReceivedDate>2025-05-12</ReceivedDate>
                <RequestSource>1</RequestSource>
                <RYA>0</RYA>
                <RequestOutcomeDate>2025-06-20</RequestOutcomeDate>
                <RequestOutcome>N</RequestOutcome>
                <RequestMediation>0</RequestMediation>
                <RequestTribunal>1</RequestTribunal>
              </Requests>

        """);

    /// <summary>An assessment still open: the decision to assess was yes, no decision on a plan yet.</summary>
    public static string Assessing(Sen2TestChild c) => Person(c, "MWBA", """
              <Requests>
                <ReceivedDate>2025-09-01</ReceivedDate>
                <RequestSource>3</RequestSource>
                <RequestOutcomeDate>2025-10-10</RequestOutcomeDate>
                <RequestOutcome>Y</RequestOutcome>
                <Assessment>
                  <AssessmentOutcome>A</AssessmentOutcome>
                </Assessment>
              </Requests>

        """);

    /// <summary>A plan issued late with exceptions, a dual placement, two ranked needs and an annual review; plus a historical request.</summary>
    public static string Issued(Sen2TestChild c) => Person(c, "ABAN", """
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

        """);

    /// <summary>A plan that ceased (the young person moved to employment), with its old placement.</summary>
    public static string Ceased(Sen2TestChild c) => Person(c, "WIRI", """
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

        """);

    private static string Person(Sen2TestChild c, string ethnicity, string requests)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
                <Person>
                  <Surname>{c.Surname}</Surname>
                  <Forename>{c.Forename}</Forename>
                  <PersonBirthDate>{c.BirthDate}</PersonBirthDate>
                  <Sex>F</Sex>
                  <Ethnicity>{ethnicity}</Ethnicity>
                  <PostCode>{c.PostCode}</PostCode>

            """);
        if (c.Upn is not null) text.Append(CultureInfo.InvariantCulture, $"      <UPN>{c.Upn}</UPN>\n");
        if (c.Uln is not null) text.Append(CultureInfo.InvariantCulture, $"      <UniqueLearnerNumber>{c.Uln}</UniqueLearnerNumber>\n");
        if (c.Upn is null && c.Uln is null) text.Append("      <UPNunknown>UN8</UPNunknown>\n");
        text.Append(requests);
        text.Append("    </Person>\n");
        return text.ToString();
    }

    /// <summary>Made-up names from a syllable table, so a generated cohort has no real names and no two children alike.</summary>
    private static string Name(int n, string start)
    {
        string[] syllables = ["ba", "ko", "ri", "ne", "tu", "la", "mi", "so", "de", "fa", "gu", "pe"];
        var name = new StringBuilder(start);
        for (var i = 0; i < 4; i++, n /= syllables.Length) name.Append(syllables[n % syllables.Length]);
        return name.ToString();
    }
}
