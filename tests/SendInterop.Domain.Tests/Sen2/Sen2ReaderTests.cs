using System.Text;
using SendInterop.Domain.Sen2;
using static SendInterop.Domain.Tests.Sen2.Sen2Fixtures;

namespace SendInterop.Domain.Tests.Sen2;

public class Sen2ReaderTests
{
    private const string P1 = "/Message/Persons/Person[1]";

    [Fact]
    public void Valid_return_reads_every_record_with_header_and_values()
    {
        var result = Read(ValidReturn);

        Assert.True(result.IsFullyValid, string.Join("\n", result.FileErrors.Concat(result.Records.SelectMany(r => r.Errors))));
        var header = result.Header!;
        Assert.Equal((2026, new DateOnly(2026, 1, 15), "926"), (header.Year, header.ReferenceDate, header.La.Value));
        Assert.Equal(("Y", "N"), (header.DesignatedMedicalOfficer?.Value, header.DesignatedClinicalOfficer?.Value));
        Assert.Equal(new DateTime(2026, 2, 2, 9, 30, 0), header.GeneratedAt);
        Assert.Equal([1, 2, 3, 4, 5, 6], result.Records.Select(r => r.Index));

        var sam = result.Records[1].Person!;
        Assert.Equal("A926210022001", sam.Upn?.Value);
        var request = Assert.Single(sam.Requests);
        Assert.Equal(new DateOnly(2025, 2, 3), request.ReceivedDate);
        Assert.Equal("School or other education setting", request.Source?.Description);
        Assert.Same(Sen2CodeLists.RequestOutcome, request.Outcome.List);
        Assert.True(request.Assessment!.Week20ExceptionsApply);
        var plan = request.Assessment.NamedPlan!;
        Assert.Equal([100001, 100002], plan.Settings.Select(s => s.Setting.Urn!.Value.Value));
        Assert.Equal(("E", true, false), (plan.DirectPayments?.Value, plan.PersonalBudget, plan.OrganisedArrangements));
        Assert.Equal(["ASD", "SLCN"], request.ActivePlan!.Needs.Select(n => n.Type.Value));
    }

    [Fact]
    public void Spelling_variants_and_true_false_are_read_and_empty_tags_are_absent()
    {
        var jo = Read(ValidReturn).Records[2].Person!;
        Assert.Equal("ZZ99 3ZZ", jo.PostCode); // <Postcode>
        var historical = jo.Requests[1];
        Assert.Null(historical.ReceivedDate);
        Assert.False(historical.Assessment!.NamedPlan!.Settings[0].ResourcedProvision); // FALSE
        Assert.Equal("S", historical.Assessment.NamedPlan.WorkBasedLearning?.Value);
        Assert.Equal("A", historical.ActivePlan!.Placements[1].Residential?.Value); // <Res>

        var kit = Read(ValidReturn).Records[4].Person!;
        Assert.Null(kit.UpnUnknown); // <UPNunknown></UPNunknown>
        Assert.Null(kit.Requests[0].ExportedTo); // <Exported></Exported>
        Assert.Equal("EHE", kit.Requests[0].ActivePlan!.Placements[0].Setting.SenSetting?.Value);
    }

    [Fact]
    public void Reader_does_not_depend_on_sibling_order()
    {
        var reordered = Return(IssuedDualPlacement
            .Replace("<Surname>Sample</Surname>", "")
            .Replace("<Requests>", "<Requests>").Replace("</Requests>", "</Requests><Surname>Sample</Surname>"));
        var record = Assert.Single(Read(reordered).Records);
        Assert.True(record.IsValid, string.Join("\n", record.Errors));
        Assert.Equal("Sample", record.Person!.Surname);
    }

    [Fact]
    public void Legacy_res_and_wbp_in_active_plans_move_to_the_main_placement()
    {
        var xml = Return(IssuedDualPlacement.Replace("<ActivePlans>", "<ActivePlans><RES>B</RES><WPB>A</WPB>"));
        var record = Assert.Single(Read(xml).Records);
        Assert.True(record.IsValid, string.Join("\n", record.Errors));
        var main = record.Person!.Requests[0].ActivePlan!.Placements.Single(p => p.Rank == 1);
        Assert.Equal(("B", "A"), (main.Residential?.Value, main.WorkBasedLearning?.Value));
    }

    // ---- whole-file problems -------------------------------------------------------------------------------------------

    [Fact]
    public void Wrong_root_element_is_a_file_error_and_no_record_is_read()
    {
        var result = Read(ValidReturn.Replace("<Message>", "<CINMessage>").Replace("</Message>", "</CINMessage>"));

        var error = Assert.Single(result.FileErrors);
        Assert.Equal((null, "/CINMessage", Sen2Rule.WrongRootOrSchema), (error.Record, error.Path, error.Rule));
        Assert.Equal("the root element must be Message, with no namespace", error.Message);
        Assert.Null(result.Header);
        Assert.Empty(result.Records);
    }

    [Fact]
    public void Root_in_a_namespace_is_another_schema()
    {
        var result = Read(ValidReturn.Replace("<Message>", "<Message xmlns=\"http://www.dfes.gov.uk/CBDS\">"));
        Assert.Equal(Sen2Rule.WrongRootOrSchema, Assert.Single(result.FileErrors).Rule);
    }

    [Fact]
    public void Other_collection_is_refused()
    {
        var result = Read(ValidReturn.Replace("<Collection>SEN2</Collection>", "<Collection>CIN</Collection>"));
        var error = Assert.Single(result.FileErrors);
        Assert.Equal(("/Message/Header/CollectionDetails/Collection", Sen2Rule.UnsupportedCollection, 5), (error.Path, error.Rule, error.Line));
        Assert.Empty(result.Records);
    }

    [Fact]
    public void Collection_year_before_2024_layout_is_unsupported()
    {
        var result = Read(ValidReturn.Replace("<Year>2026</Year>", "<Year>2023</Year>").Replace("2026-01-15", "2023-01-19"));
        var error = Assert.Single(result.FileErrors);
        Assert.Equal(("/Message/Header/CollectionDetails/Year", Sen2Rule.UnsupportedCollection), (error.Path, error.Rule));
        Assert.Equal("collection year 2023 is not supported (this reader reads 2024-2027)", error.Message);
    }

    [Fact]
    public void Header_with_reference_date_outside_january_of_the_year_and_bad_lea_is_invalid()
    {
        var result = Read(ValidReturn.Replace("2026-01-15", "2025-01-16").Replace("<LEA>926</LEA>", "<LEA>9260</LEA>"));
        Assert.Equal(
            [
                ("/Message/Header/CollectionDetails/ReferenceDate", Sen2Rule.InvalidHeader),
                ("/Message/Header/Source/LEA", Sen2Rule.InvalidIdentifier),
            ],
            result.FileErrors.Select(e => (e.Path, e.Rule)));
        Assert.Null(result.Header);
    }

    [Fact]
    public void Missing_header_is_the_wrong_schema()
    {
        var result = Read("<Message><Persons>" + RefusedUnder6 + "</Persons></Message>");
        var error = Assert.Single(result.FileErrors);
        Assert.Equal((Sen2Rule.WrongRootOrSchema, "Message must begin with Header"), (error.Rule, error.Message));
    }

    [Fact]
    public void Input_that_is_not_xml_is_refused()
    {
        var result = Read("""{ "resourceType": "Bundle" }""");
        var error = Assert.Single(result.FileErrors);
        Assert.Equal((Sen2Rule.NotWellFormedXml, 1), (error.Rule, error.Line));
    }

    [Fact]
    public void Truncated_file_reports_the_complete_records_and_stops_with_a_file_error()
    {
        var full = ValidReturn;
        var cut = full[..(full.IndexOf("<Surname>Testcase", StringComparison.Ordinal) + 12)]; // inside record 3

        var result = Read(cut);

        Assert.Equal([1, 2], result.Records.Select(r => r.Index));
        Assert.All(result.Records, r => Assert.True(r.IsValid));
        var error = Assert.Single(result.FileErrors);
        Assert.Equal((null, Sen2Rule.TruncatedXml), (error.Record, error.Rule));
        Assert.Equal("the XML ends before the document is complete; records 1-2 were complete, record 3 is incomplete and was not read", error.Message);
        Assert.False(result.IsFullyValid);
    }

    [Fact]
    public void Truncation_between_records_says_how_many_were_complete()
    {
        var full = Return(RefusedUnder6, IssuedDualPlacement);
        var cut = full[..full.IndexOf("</Persons>", StringComparison.Ordinal)];
        var result = Read(cut);
        Assert.Equal(2, result.Records.Count);
        Assert.Equal("the XML ends before the document is complete; records 1-2 were complete", Assert.Single(result.FileErrors).Message);
    }

    [Fact]
    public void Dtd_and_entity_expansion_are_refused_before_anything_is_expanded()
    {
        const string billionLaughs = """
            <?xml version="1.0"?>
            <!DOCTYPE Message [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY ext SYSTEM "file:///etc/passwd">
            ]>
            <Message><Header>&lol3;&ext;</Header></Message>
            """;
        var result = Read(billionLaughs);
        var error = Assert.Single(result.FileErrors);
        // .NET reports no position for a prohibited DTD; a DOCTYPE can only sit in the prolog, before the root.
        Assert.Equal((Sen2Rule.DtdProhibited, "/Message", 0), (error.Rule, error.Path, error.Line));
        Assert.Equal("the file declares a DTD; DTDs and entities are not accepted", error.Message);
        Assert.Empty(result.Records);
    }

    [Fact]
    public void File_larger_than_the_limit_stops_with_a_size_error()
    {
        var result = Read(ValidReturn, new Sen2ReaderOptions { MaxCharacters = 3_000 });
        Assert.Equal(Sen2Rule.SizeLimitExceeded, Assert.Single(result.FileErrors).Rule);
    }

    [Fact]
    public void Record_with_too_many_elements_stops_the_read_after_the_complete_records()
    {
        var result = Read(Return(RefusedUnder6, IssuedDualPlacement), new Sen2ReaderOptions { MaxElementsPerPerson = 30 });
        Assert.Single(result.Records);
        var error = Assert.Single(result.FileErrors);
        Assert.Equal(("/Message/Persons/Person[2]", Sen2Rule.SizeLimitExceeded), (error.Path, error.Rule));
    }

    [Fact]
    public void Persons_with_no_person_is_the_wrong_schema()
    {
        Assert.Equal(Sen2Rule.WrongRootOrSchema, Assert.Single(Read(Return()).FileErrors).Rule);
    }

    // ---- record errors -------------------------------------------------------------------------------------------------

    [Fact]
    public void Invalid_code_names_record_path_line_rule_and_the_code()
    {
        var xml = Return(RefusedUnder6, IssuedDualPlacement.Replace("<DP>E</DP>", "<DP>X</DP>"));
        var result = Read(xml);

        Assert.True(result.Records[0].IsValid);
        var record = result.Records[1];
        Assert.Null(record.Person);
        var error = Assert.Single(record.Errors);
        Assert.Equal(
            (2, "/Message/Persons/Person[2]/Requests[1]/Assessment/NamedPlan/DP", LineOf(xml, "<DP>X"), Sen2Rule.InvalidCode, "X"),
            (error.Record, error.Path, error.Line, error.Rule, error.Value));
        Assert.Equal("DP is not a DP code", error.Message);
    }

    [Fact]
    public void Code_from_a_later_collection_year_is_invalid_for_an_earlier_return()
    {
        var xml = Return(TransferredIn).Replace("<Year>2026</Year>", "<Year>2024</Year>").Replace("2026-01-15", "2024-01-18");
        var error = Assert.Single(Assert.Single(Read(xml).Records).Errors);
        Assert.Equal((P1 + "/Requests[1]/ActivePlans/SENneed[1]/SENtype", Sen2Rule.InvalidCode, "DS"), (error.Path, error.Rule, error.Value));
        Assert.Equal("SENtype code is not valid for collection year 2024", error.Message);
    }

    [Fact]
    public void Cin_only_upn_unknown_reason_is_refused()
    {
        var error = Assert.Single(Assert.Single(Read(Return(RefusedUnder6.Replace(">UN1<", ">UN4<"))).Records).Errors);
        Assert.Equal((P1 + "/UPNunknown", Sen2Rule.InvalidCode, "UN4"), (error.Path, error.Rule, error.Value));
    }

    [Theory]
    [InlineData("2025-02-30")]
    [InlineData("03/02/2025")]
    [InlineData("2025-2-3")]
    public void Bad_date_is_invalid(string bad)
    {
        var xml = Return(IssuedDualPlacement.Replace("<ReceivedDate>2025-02-03<", $"<ReceivedDate>{bad}<"));
        var error = Assert.Single(Assert.Single(Read(xml).Records).Errors);
        Assert.Equal((P1 + "/Requests[1]/ReceivedDate", Sen2Rule.InvalidDate, LineOf(xml, "<ReceivedDate>"), ColumnOf(xml, "<ReceivedDate>") + 1), (error.Path, error.Rule, error.Line, error.Position));
        Assert.Null(error.Value);
    }

    [Fact]
    public void Upn_with_wrong_check_letter_is_refused_through_the_upn_type_without_echoing_it()
    {
        var xml = Return(IssuedDualPlacement.Replace("A926210022001", "B926210022001"));
        var error = Assert.Single(Assert.Single(Read(xml).Records).Errors);
        Assert.Equal((P1 + "/UPN", Sen2Rule.InvalidUpn), (error.Path, error.Rule));
        Assert.Equal("UPN: UPN check letter is B but the DfE modulus 23 rule gives A", error.Message);
        Assert.DoesNotContain("926210022001", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Uln_with_wrong_check_digit_and_the_ilr_placeholder_are_refused()
    {
        var wrong = Assert.Single(Assert.Single(Read(Return(CeasedNeet.Replace("5550001119", "5550001118"))).Records).Errors);
        Assert.Equal((P1 + "/UniqueLearnerNumber", Sen2Rule.InvalidUln), (wrong.Path, wrong.Rule));
        var placeholder = Assert.Single(Assert.Single(Read(Return(CeasedNeet.Replace("5550001119", "9999999999"))).Records).Errors);
        Assert.Equal(Sen2Rule.InvalidUln, placeholder.Rule);
    }

    [Fact]
    public void Bad_urn_and_ukprn_are_invalid_identifiers()
    {
        var xml = Return(IssuedDualPlacement.Replace("<URN>100002</URN>", "<URN>10002</URN><UKPRN>20000000</UKPRN>"));
        var errors = Assert.Single(Read(xml).Records).Errors;
        Assert.Equal(
            [
                (P1 + "/Requests[1]/Assessment/NamedPlan/PlanDetail[2]/URN", Sen2Rule.InvalidIdentifier),
                (P1 + "/Requests[1]/Assessment/NamedPlan/PlanDetail[2]/UKPRN", Sen2Rule.InvalidIdentifier),
                (P1 + "/Requests[1]/ActivePlans/PlacementDetail[2]/URN", Sen2Rule.InvalidIdentifier),
                (P1 + "/Requests[1]/ActivePlans/PlacementDetail[2]/UKPRN", Sen2Rule.InvalidIdentifier),
            ],
            errors.Select(e => (e.Path, e.Rule)));
    }

    [Fact]
    public void Duplicate_person_is_reported_on_the_later_record_pointing_at_the_first()
    {
        var xml = Return(IssuedDualPlacement, RefusedUnder6, IssuedDualPlacement.Replace("Sam Lee", "Samuel"), RefusedUnder6);
        var result = Read(xml);

        Assert.Equal([true, true, false, false], result.Records.Select(r => r.IsValid));
        var byUpn = Assert.Single(result.Records[2].Errors);
        Assert.Equal((3, "/Message/Persons/Person[3]/UPN", Sen2Rule.DuplicatePerson), (byUpn.Record, byUpn.Path, byUpn.Rule));
        Assert.Equal("the same UPN is in record 1", byUpn.Message);
        var byDemographics = Assert.Single(result.Records[3].Errors);
        Assert.Equal(("/Message/Persons/Person[4]", Sen2Rule.DuplicatePerson), (byDemographics.Path, byDemographics.Rule));
        Assert.Equal("a person with the same name, birth date and postcode and no UPN or ULN is in record 2", byDemographics.Message);
    }

    [Fact]
    public void Duplicate_by_uln_is_reported()
    {
        var result = Read(Return(CeasedNeet, CeasedNeet.Replace("Rowan", "Ro")));
        Assert.Equal("the same UniqueLearnerNumber is in record 1", Assert.Single(result.Records[1].Errors).Message);
    }

    [Fact]
    public void Missing_mandatory_items_are_each_reported_at_the_parent_location()
    {
        var xml = Return(IssuedDualPlacement
            .Replace("<Surname>Sample</Surname>", "")
            .Replace("<RequestOutcome>Y</RequestOutcome>", "<RequestOutcome> </RequestOutcome>")
            .Replace("<StartDate>2025-07-14</StartDate>", "")
            .ReplaceNth("<EntryDate>2025-09-03</EntryDate>", "", 2)
            .ReplaceNth("<ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>", "", 2));
        var errors = Assert.Single(Read(xml).Records).Errors;

        Assert.Equal(
            [
                (P1 + "/Surname", Sen2Rule.MissingMandatoryItem),
                (P1 + "/Requests[1]/RequestOutcome", Sen2Rule.MissingMandatoryItem),
                (P1 + "/Requests[1]/Assessment/NamedPlan/StartDate", Sen2Rule.MissingMandatoryItem),
                (P1 + "/Requests[1]/ActivePlans/PlacementDetail[2]/EntryDate", Sen2Rule.MissingMandatoryItem),
                (P1 + "/Requests[1]/ActivePlans/PlacementDetail[2]/ResourcedProvisionIndicator", Sen2Rule.MissingMandatoryItem),
            ],
            errors.Select(e => (e.Path, e.Rule)));
        Assert.Equal(LineOf(xml, "<Person>"), errors[0].Line);
        Assert.Equal("Surname is mandatory in Person", errors[0].Message);
        Assert.Equal(LineOf(xml, "<NamedPlan>"), errors[2].Line);
    }

    [Fact]
    public void Person_needs_an_identifier_or_a_reason_and_not_both()
    {
        var none = Assert.Single(Assert.Single(Read(Return(RefusedUnder6.Replace("<UPNunknown>UN1</UPNunknown>", ""))).Records).Errors);
        Assert.Equal((P1 + "/UPN", Sen2Rule.MissingMandatoryItem), (none.Path, none.Rule));

        var both = Assert.Single(Assert.Single(Read(Return(IssuedDualPlacement.Replace("<Requests>", "<UPNunknown>UN8</UPNunknown><Requests>"))).Records).Errors);
        Assert.Equal((P1 + "/UPNunknown", Sen2Rule.ConflictingItems), (both.Path, both.Rule));
    }

    [Fact]
    public void Setting_needs_a_urn_ukprn_or_sen_setting()
    {
        var xml = Return(IssuedDualPlacement.ReplaceNth("<URN>100002</URN>", "", 1));
        var error = Assert.Single(Assert.Single(Read(xml).Records).Errors);
        Assert.Equal((P1 + "/Requests[1]/Assessment/NamedPlan/PlanDetail[2]/SENsetting", Sen2Rule.MissingMandatoryItem), (error.Path, error.Rule));
    }

    [Fact]
    public void Dates_out_of_order_are_reported_on_the_later_item()
    {
        var xml = Return(IssuedDualPlacement
            .Replace("<RequestOutcomeDate>2025-03-14<", "<RequestOutcomeDate>2025-01-14<")
            .Replace("<PersonBirthDate>2016-11-23<", "<PersonBirthDate>2026-11-23<")
            .ReplaceNth("<EntryDate>2025-09-03</EntryDate>", "<EntryDate>2025-09-03</EntryDate><LeavingDate>2025-09-01</LeavingDate>", 2)
            .Replace("<DP>E</DP>", "<DP>E</DP><CeaseDate>2025-07-13</CeaseDate>"));
        var errors = Assert.Single(Read(xml).Records).Errors;

        Assert.All(errors, e => Assert.Equal(Sen2Rule.DatesOutOfOrder, e.Rule));
        Assert.Equal(
            [
                (P1 + "/PersonBirthDate", "PersonBirthDate is after the return's ReferenceDate"),
                (P1 + "/Requests[1]/ReceivedDate", "ReceivedDate is before the person's PersonBirthDate"),
                (P1 + "/Requests[1]/RequestOutcomeDate", "RequestOutcomeDate is before ReceivedDate"),
                (P1 + "/Requests[1]/Assessment/NamedPlan/CeaseDate", "CeaseDate is before StartDate"),
                (P1 + "/Requests[1]/ActivePlans/PlacementDetail[2]/LeavingDate", "LeavingDate is before EntryDate"),
            ],
            errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void Unknown_repeated_and_invalid_flag_items_are_reported()
    {
        var xml = Return(IssuedDualPlacement
            .Replace("<RYA>0</RYA>", "<RYA>yes</RYA><GenderCurrent>1</GenderCurrent>")
            .Replace("<Sex>M</Sex>", "<Sex>M</Sex><Sex>F</Sex>")
            .Replace("<SENtypeRank>2</SENtypeRank>", "<SENtypeRank>1</SENtypeRank>"));
        var errors = Assert.Single(Read(xml).Records).Errors;

        Assert.Equal(
            [
                (P1 + "/Sex", Sen2Rule.DuplicateItem, (string?)null),
                (P1 + "/Requests[1]/GenderCurrent", Sen2Rule.UnknownItem, null),
                (P1 + "/Requests[1]/RYA", Sen2Rule.InvalidBoolean, "yes"),
                (P1 + "/Requests[1]/ActivePlans/SENneed[2]/SENtypeRank", Sen2Rule.DuplicateItem, null),
            ],
            errors.Select(e => (e.Path, e.Rule, e.Value)));
    }

    [Fact]
    public void Two_requests_received_the_same_day_are_a_duplicate()
    {
        var request = RefusedUnder6[RefusedUnder6.IndexOf("<Requests>", StringComparison.Ordinal)..(RefusedUnder6.IndexOf("</Requests>", StringComparison.Ordinal) + 11)];
        var xml = Return(RefusedUnder6.Replace("</Requests>", "</Requests>" + request));
        var error = Assert.Single(Assert.Single(Read(xml).Records).Errors);
        Assert.Equal((P1 + "/Requests[2]/ReceivedDate", Sen2Rule.DuplicateItem), (error.Path, error.Rule));
    }

    [Fact]
    public void Errors_carry_no_names_birth_dates_postcodes_or_identifiers()
    {
        var xml = Return(IssuedDualPlacement
            .Replace("A926210022001", "B926210022001")
            .Replace("<PersonBirthDate>2016-11-23<", "<PersonBirthDate>2016-11-31<")
            .Replace("<Ethnicity>MWBA<", "<Ethnicity>Sample Sam Lee<")
            .Replace("<SENtypeRank>2<", "<SENtypeRank>ZZ99 2ZZ<"));
        var record = Assert.Single(Read(xml).Records);
        Assert.Equal(4, record.Errors.Count);
        var text = string.Join("\n", record.Errors);
        foreach (var personal in new[] { "926210022001", "2016-11-31", "2016-11", "ZZ99 2ZZ" })
            Assert.DoesNotContain(personal, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sample", text, StringComparison.Ordinal);
        // Only code-like values are echoed: text with spaces (a name keyed into a code item) is withheld.
        Assert.All(record.Errors, e => Assert.Null(e.Value));
    }

    [Fact]
    public void Records_stream_one_at_a_time_and_can_be_read_once()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(ValidReturn));
        using var reader = Sen2ReturnReader.Open(stream);
        Assert.NotNull(reader.Header);
        using var records = reader.ReadRecords().GetEnumerator();
        Assert.True(records.MoveNext());
        Assert.Equal(1, reader.CompleteRecords);
        Assert.Throws<InvalidOperationException>(() => reader.ReadRecords());
    }
}
