using System.Text;
using SendInterop.Domain.Sen2;

namespace SendInterop.Domain.Tests.Sen2;

/// <summary>
/// Small SEN2 returns for the tests. Every person is fictitious (LA 926, dummy URNs and UKPRNs); UPNs and ULNs carry valid
/// check characters so only the tests that break them see identifier errors.
/// </summary>
internal static class Sen2Fixtures
{
    public const string Header = """
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
              <LEA>926</LEA>
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

    /// <summary>Refused request; no UPN yet (UN1): mapping needs an LA child id.</summary>
    public const string RefusedUnder6 = """
            <Person>
              <Surname>Example</Surname>
              <Forename>Alex</Forename>
              <PersonBirthDate>2021-06-04</PersonBirthDate>
              <Sex>F</Sex>
              <Ethnicity>WBRI</Ethnicity>
              <PostCode>ZZ99 1ZZ</PostCode>
              <UPNunknown>UN1</UPNunknown>
              <Requests>
                <ReceivedDate>2025-05-12</ReceivedDate>
                <RequestSource>1</RequestSource>
                <RYA>0</RYA>
                <RequestOutcomeDate>2025-06-20</RequestOutcomeDate>
                <RequestOutcome>N</RequestOutcome>
                <RequestMediation>0</RequestMediation>
                <RequestTribunal>1</RequestTribunal>
              </Requests>
            </Person>
        """;

    /// <summary>Assessed, plan issued late with exceptions; dual named settings and placements, two needs, a review.</summary>
    public const string IssuedDualPlacement = """
            <Person>
              <Surname>Sample</Surname>
              <Forename>Sam Lee</Forename>
              <PersonBirthDate>2016-11-23</PersonBirthDate>
              <Sex>M</Sex>
              <Ethnicity>MWBA</Ethnicity>
              <PostCode>ZZ99 2ZZ</PostCode>
              <UPN>A926210022001</UPN>
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
                      <URN>100002</URN>
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
                    <URN>100002</URN>
                    <PlacementRank>2</PlacementRank>
                    <EntryDate>2025-09-03</EntryDate>
                    <SENunitIndicator>0</SENunitIndicator>
                    <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
                  </PlacementDetail>
                  <SENneed>
                    <SENtype>ASD</SENtype>
                    <SENtypeRank>1</SENtypeRank>
                  </SENneed>
                  <SENneed>
                    <SENtype>SLCN</SENtype>
                    <SENtypeRank>2</SENtypeRank>
                  </SENneed>
                </ActivePlans>
              </Requests>
            </Person>
        """;

    /// <summary>
    /// A plan from years ago (historical request, no received date) with a changed placement and a phase-transfer review, plus a
    /// new request awaiting its decision. UPN and ULN; liia spellings (SENSetting, Postcode, true/false) that the reader accepts.
    /// </summary>
    public const string HistoricalPlanAndNewRequest = """
            <Person>
              <Surname>Testcase</Surname>
              <Forename>Jo</Forename>
              <PersonBirthDate>2009-03-30</PersonBirthDate>
              <Sex>F</Sex>
              <Ethnicity>WENG</Ethnicity>
              <Postcode>ZZ99 3ZZ</Postcode>
              <UPN>P926210022002</UPN>
              <UniqueLearnerNumber>1234567899</UniqueLearnerNumber>
              <Requests>
                <ReceivedDate>2025-10-01</ReceivedDate>
                <RequestSource>1</RequestSource>
                <RequestOutcome>A</RequestOutcome>
              </Requests>
              <Requests>
                <RequestOutcome>H</RequestOutcome>
                <Assessment>
                  <AssessmentOutcome>H</AssessmentOutcome>
                  <NamedPlan>
                    <StartDate>2019-03-01</StartDate>
                    <PlanDetail>
                      <UKPRN>10001234</UKPRN>
                      <PlacementRank>1</PlacementRank>
                      <SENunitIndicator>false</SENunitIndicator>
                      <ResourcedProvisionIndicator>FALSE</ResourcedProvisionIndicator>
                    </PlanDetail>
                    <PlanWBP>S</PlanWBP>
                    <PB>0</PB>
                  </NamedPlan>
                </Assessment>
                <ActivePlans>
                  <PlacementDetail>
                    <URN>100003</URN>
                    <PlacementRank>1</PlacementRank>
                    <EntryDate>2020-09-01</EntryDate>
                    <LeavingDate>2025-07-18</LeavingDate>
                    <SENunitIndicator>1</SENunitIndicator>
                    <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
                  </PlacementDetail>
                  <PlacementDetail>
                    <UKPRN>10001234</UKPRN>
                    <PlacementRank>1</PlacementRank>
                    <EntryDate>2025-09-04</EntryDate>
                    <SENunitIndicator>0</SENunitIndicator>
                    <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
                    <Res>A</Res>
                    <WBP>S</WBP>
                  </PlacementDetail>
                  <SENneed>
                    <SENtype>SEMH</SENtype>
                    <SENtypeRank>1</SENtypeRank>
                  </SENneed>
                  <ReviewMeeting>2025-06-10</ReviewMeeting>
                  <ReviewOutcome>A</ReviewOutcome>
                  <ReviewDraft>2025-07-01</ReviewDraft>
                  <PhaseTransferDueDate>2025-03-31</PhaseTransferDueDate>
                  <PhaseTransferFinalDate>2025-03-28</PhaseTransferFinalDate>
                  <LastReview>2025-06-24</LastReview>
                </ActivePlans>
              </Requests>
            </Person>
        """;

    /// <summary>A young person (ULN only) whose plan named no setting (NEET) and ceased in the year.</summary>
    public const string CeasedNeet = """
            <Person>
              <Surname>Placeholder</Surname>
              <Forename>Rowan</Forename>
              <PersonBirthDate>2005-08-14</PersonBirthDate>
              <Sex>M</Sex>
              <Ethnicity>NOBT</Ethnicity>
              <PostCode>ZZ99 4ZZ</PostCode>
              <UniqueLearnerNumber>5550001119</UniqueLearnerNumber>
              <Requests>
                <ReceivedDate>2025-01-20</ReceivedDate>
                <RequestSource>4</RequestSource>
                <RequestOutcomeDate>2025-02-28</RequestOutcomeDate>
                <RequestOutcome>Y</RequestOutcome>
                <Assessment>
                  <AssessmentOutcome>Y</AssessmentOutcome>
                  <AssessmentOutcomeDate>2025-06-02</AssessmentOutcomeDate>
                  <Week20>0</Week20>
                  <NamedPlan>
                    <StartDate>2025-06-02</StartDate>
                    <PlanDetail>
                      <SENsetting>NEET</SENsetting>
                      <SENsettingOther>Looking for a supported internship</SENsettingOther>
                      <PlacementRank>1</PlacementRank>
                      <SENunitIndicator>0</SENunitIndicator>
                      <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
                    </PlanDetail>
                    <CeaseDate>2025-11-30</CeaseDate>
                    <CeaseReason>6</CeaseReason>
                  </NamedPlan>
                </Assessment>
              </Requests>
            </Person>
        """;

    /// <summary>A plan transferred in from another LA; home educated; Down syndrome (a 2025+ code).</summary>
    public const string TransferredIn = """
            <Person>
              <Surname>Dummy</Surname>
              <Forename>Kit</Forename>
              <PersonBirthDate>2015-01-09</PersonBirthDate>
              <Sex>U</Sex>
              <Ethnicity>REFU</Ethnicity>
              <PostCode>ZZ99 5ZZ</PostCode>
              <UPN>D926210022003</UPN>
              <UPNunknown></UPNunknown>
              <Requests>
                <RequestOutcome>H</RequestOutcome>
                <Exported></Exported>
                <Assessment>
                  <AssessmentOutcome>H</AssessmentOutcome>
                  <NamedPlan>
                    <StartDate>2024-05-01</StartDate>
                    <PlanDetail>
                      <SENsetting>EHE</SENsetting>
                      <PlacementRank>1</PlacementRank>
                      <SENunitIndicator>0</SENunitIndicator>
                      <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
                    </PlanDetail>
                    <PlanRes>B</PlanRes>
                  </NamedPlan>
                </Assessment>
                <ActivePlans>
                  <TransferLA>935</TransferLA>
                  <PlacementDetail>
                    <SENsetting>EHE</SENsetting>
                    <PlacementRank>1</PlacementRank>
                    <EntryDate>2025-04-01</EntryDate>
                    <SENunitIndicator>0</SENunitIndicator>
                    <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
                  </PlacementDetail>
                  <SENneed>
                    <SENtype>DS</SENtype>
                    <SENtypeRank>1</SENtypeRank>
                  </SENneed>
                </ActivePlans>
              </Requests>
            </Person>
        """;

    /// <summary>Moved away before the assessment finished; the assessment was withdrawn.</summary>
    public const string ExportedWithdrawn = """
            <Person>
              <Surname>Specimen</Surname>
              <Forename>Ali</Forename>
              <PersonBirthDate>2012-12-01</PersonBirthDate>
              <Sex>M</Sex>
              <Ethnicity>APKN</Ethnicity>
              <PostCode>ZZ99 6ZZ</PostCode>
              <UPN>T926210022004</UPN>
              <Requests>
                <ReceivedDate>2025-03-03</ReceivedDate>
                <RequestSource>3</RequestSource>
                <RequestOutcomeDate>2025-04-10</RequestOutcomeDate>
                <RequestOutcome>Y</RequestOutcome>
                <RequestMediation>1</RequestMediation>
                <Exported>881</Exported>
                <Assessment>
                  <AssessmentOutcome>W</AssessmentOutcome>
                  <AssessmentOutcomeDate>2025-05-30</AssessmentOutcomeDate>
                  <OtherTribunal>0</OtherTribunal>
                </Assessment>
              </Requests>
            </Person>
        """;

    public static readonly string[] AllPersons = [RefusedUnder6, IssuedDualPlacement, HistoricalPlanAndNewRequest, CeasedNeet, TransferredIn, ExportedWithdrawn];

    /// <summary>The realistic small valid return: six persons, several requests, plans, placements and needs.</summary>
    public static string ValidReturn => Return(AllPersons);

    public static string Return(params string[] persons) => Header + string.Concat(persons) + Footer;

    public static Sen2ReadResult Read(string xml, Sen2ReaderOptions? options = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        return Sen2ReturnReader.ReadAll(stream, options);
    }

    /// <summary>Replaces only the <paramref name="occurrence"/>-th (1-based) occurrence of <paramref name="old"/>.</summary>
    public static string ReplaceNth(this string text, string old, string replacement, int occurrence)
    {
        var at = -1;
        for (var i = 0; i < occurrence; i++)
        {
            at = text.IndexOf(old, at + 1, StringComparison.Ordinal);
            Assert.True(at >= 0, $"occurrence {occurrence} of {old} not found");
        }

        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + old.Length));
    }

    /// <summary>1-based column where <paramref name="marker"/> starts on its line.</summary>
    public static int ColumnOf(string xml, string marker)
    {
        var at = xml.IndexOf(marker, StringComparison.Ordinal);
        return at - xml.LastIndexOf('\n', at);
    }

    /// <summary>1-based line of the first line containing <paramref name="marker"/> after <paramref name="after"/>.</summary>
    public static int LineOf(string xml, string marker, string? after = null)
    {
        var start = after is null ? 0 : xml.IndexOf(after, StringComparison.Ordinal);
        var at = xml.IndexOf(marker, start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"marker {marker} not in fixture");
        return xml.AsSpan(0, at).Count('\n') + 1;
    }
}
