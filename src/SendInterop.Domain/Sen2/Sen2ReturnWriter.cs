using System.Globalization;
using System.Text;
using System.Xml;
using N = SendInterop.Domain.Sen2.Sen2ElementNames;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// Writes a SEN2 return: element order as the liia 2024 schema has it (the only published order, SEN2.md section 3), the
/// writer's spellings (<c>SENsetting</c>, <c>PlanWBP</c>, <c>RES</c>, <c>PostCode</c>), yes/no as 1/0, empty optional items
/// left out. Output is deterministic: persons, requests, settings, placements and needs are sorted
/// (<see cref="Sen2Ordering"/>), so the same record always gives the same bytes.
/// </summary>
public static class Sen2ReturnWriter
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        CloseOutput = false,
    };

    /// <summary>Writes the return to <paramref name="output"/> (left open).</summary>
    public static void Write(Stream output, Sen2Header header, IEnumerable<Sen2Person> persons)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(persons);
        using var xml = XmlWriter.Create(output, Settings);
        xml.WriteStartDocument();
        xml.WriteStartElement(N.Message);
        WriteHeader(xml, header);
        xml.WriteStartElement(N.Persons);
        foreach (var person in Sen2Ordering.Persons(persons)) WritePerson(xml, person);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    /// <summary>The return as a string, for small returns and tests.</summary>
    public static string WriteToString(Sen2Header header, IEnumerable<Sen2Person> persons)
    {
        using var buffer = new MemoryStream();
        Write(buffer, header, persons);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteHeader(XmlWriter xml, Sen2Header header)
    {
        xml.WriteStartElement(N.Header);
        xml.WriteStartElement(N.CollectionDetails);
        Item(xml, N.Collection, Sen2Header.CollectionName);
        Item(xml, N.Year, header.Year.ToString(CultureInfo.InvariantCulture));
        Item(xml, N.ReferenceDate, header.ReferenceDate);
        xml.WriteEndElement();
        xml.WriteStartElement(N.Source);
        Item(xml, N.SourceLevel, header.SourceLevel);
        Item(xml, N.Lea, header.La.Value);
        Item(xml, N.SoftwareCode, header.SoftwareCode);
        Item(xml, N.Release, header.Release);
        Item(xml, N.SerialNo, header.SerialNo);
        Item(xml, N.DateTime, header.GeneratedAt?.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        Item(xml, N.Dmo, header.DesignatedMedicalOfficer);
        Item(xml, N.Dco, header.DesignatedClinicalOfficer);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WritePerson(XmlWriter xml, Sen2Person person)
    {
        xml.WriteStartElement(N.Person);
        Item(xml, N.Surname, person.Surname);
        Item(xml, N.Forename, person.Forename);
        Item(xml, N.PersonBirthDate, person.BirthDate);
        Item(xml, N.Sex, person.Sex);
        Item(xml, N.Ethnicity, person.Ethnicity);
        Item(xml, N.PostCode, person.PostCode);
        Item(xml, N.Upn, person.Upn?.Value);
        Item(xml, N.Uln, person.Uln?.Value);
        Item(xml, N.UpnUnknown, person.UpnUnknown);
        foreach (var request in Sen2Ordering.Requests(person.Requests)) WriteRequest(xml, request);
        xml.WriteEndElement();
    }

    private static void WriteRequest(XmlWriter xml, Sen2Request request)
    {
        xml.WriteStartElement(N.Requests);
        Item(xml, N.ReceivedDate, request.ReceivedDate);
        Item(xml, N.RequestSource, request.Source);
        Item(xml, N.Rya, request.WhilstInRya);
        Item(xml, N.RequestOutcomeDate, request.OutcomeDate);
        Item(xml, N.RequestOutcome, request.Outcome);
        Item(xml, N.RequestMediation, request.Mediation);
        Item(xml, N.RequestTribunal, request.Tribunal);
        Item(xml, N.Exported, request.ExportedTo?.Value);
        if (request.Assessment is { } assessment) WriteAssessment(xml, assessment);
        if (request.ActivePlan is { } active) WriteActivePlan(xml, active);
        xml.WriteEndElement();
    }

    private static void WriteAssessment(XmlWriter xml, Sen2Assessment assessment)
    {
        xml.WriteStartElement(N.Assessment);
        Item(xml, N.AssessmentOutcome, assessment.Outcome);
        Item(xml, N.AssessmentOutcomeDate, assessment.OutcomeDate);
        Item(xml, N.AssessmentMediation, assessment.Mediation);
        Item(xml, N.AssessmentTribunal, assessment.Tribunal);
        Item(xml, N.OtherMediation, assessment.OtherMediation);
        Item(xml, N.OtherTribunal, assessment.OtherTribunal);
        Item(xml, N.Week20, assessment.Week20ExceptionsApply);
        if (assessment.NamedPlan is { } plan) WriteNamedPlan(xml, plan);
        xml.WriteEndElement();
    }

    private static void WriteNamedPlan(XmlWriter xml, Sen2NamedPlan plan)
    {
        xml.WriteStartElement(N.NamedPlan);
        Item(xml, N.StartDate, plan.StartDate);
        foreach (var detail in plan.Settings.OrderBy(d => d.Rank))
        {
            xml.WriteStartElement(N.PlanDetail);
            WriteSetting(xml, detail.Setting);
            Item(xml, N.PlacementRank, detail.Rank.ToString(CultureInfo.InvariantCulture));
            Item(xml, N.SenUnitIndicator, detail.SenUnit);
            Item(xml, N.ResourcedProvisionIndicator, detail.ResourcedProvision);
            xml.WriteEndElement();
        }

        Item(xml, N.PlanRes, plan.Residential);
        Item(xml, N.PlanWbp, plan.WorkBasedLearning);
        Item(xml, N.Pb, plan.PersonalBudget);
        Item(xml, N.Oa, plan.OrganisedArrangements);
        Item(xml, N.Dp, plan.DirectPayments);
        Item(xml, N.CeaseDate, plan.CeaseDate);
        Item(xml, N.CeaseReason, plan.CeaseReason);
        xml.WriteEndElement();
    }

    private static void WriteActivePlan(XmlWriter xml, Sen2ActivePlan active)
    {
        xml.WriteStartElement(N.ActivePlans);
        Item(xml, N.TransferLa, active.TransferredInFrom?.Value);
        foreach (var placement in Sen2Ordering.Placements(active.Placements))
        {
            xml.WriteStartElement(N.PlacementDetail);
            WriteSetting(xml, placement.Setting);
            Item(xml, N.PlacementRank, placement.Rank.ToString(CultureInfo.InvariantCulture));
            Item(xml, N.EntryDate, placement.EntryDate);
            Item(xml, N.LeavingDate, placement.LeavingDate);
            Item(xml, N.SenUnitIndicator, placement.SenUnit);
            Item(xml, N.ResourcedProvisionIndicator, placement.ResourcedProvision);
            Item(xml, N.Res, placement.Residential);
            Item(xml, N.Wbp, placement.WorkBasedLearning);
            xml.WriteEndElement();
        }

        foreach (var need in active.Needs.OrderBy(n => n.Rank))
        {
            xml.WriteStartElement(N.SenNeed);
            Item(xml, N.SenType, need.Type);
            Item(xml, N.SenTypeRank, need.Rank.ToString(CultureInfo.InvariantCulture));
            xml.WriteEndElement();
        }

        Item(xml, N.ReviewMeeting, active.ReviewMeeting);
        Item(xml, N.ReviewOutcome, active.ReviewOutcome);
        Item(xml, N.ReviewDraft, active.ReviewDraft);
        Item(xml, N.PhaseTransferDueDate, active.PhaseTransferDueDate);
        Item(xml, N.PhaseTransferFinalDate, active.PhaseTransferFinalDate);
        Item(xml, N.LastReview, active.LastReview);
        xml.WriteEndElement();
    }

    private static void WriteSetting(XmlWriter xml, Sen2Setting setting)
    {
        Item(xml, N.Urn, setting.Urn?.ToString());
        Item(xml, N.Ukprn, setting.Ukprn?.ToString());
        Item(xml, N.SenSetting, setting.SenSetting);
        Item(xml, N.SenSettingOther, setting.SenSettingOther);
    }

    private static void Item(XmlWriter xml, string name, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        xml.WriteElementString(name, value);
    }

    private static void Item(XmlWriter xml, string name, Sen2Code? code) => Item(xml, name, code?.Value);

    private static void Item(XmlWriter xml, string name, DateOnly? date) =>
        Item(xml, name, date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static void Item(XmlWriter xml, string name, bool? flag) => Item(xml, name, flag switch { true => "1", false => "0", null => null });
}

/// <summary>The one ordering the writer (and anything comparing returns) uses, so output does not depend on input order.</summary>
public static class Sen2Ordering
{
    /// <summary>By UPN, then ULN, then (for persons with neither) surname, forename and birth date, ordinal.</summary>
    public static IEnumerable<Sen2Person> Persons(IEnumerable<Sen2Person> persons) =>
        persons
            .OrderBy(p => p.Upn is null ? 1 : 0).ThenBy(p => p.Upn?.Value, StringComparer.Ordinal)
            .ThenBy(p => p.Uln is null ? 1 : 0).ThenBy(p => p.Uln?.Value, StringComparer.Ordinal)
            .ThenBy(p => p.Surname, StringComparer.Ordinal).ThenBy(p => p.Forename, StringComparer.Ordinal)
            .ThenBy(p => p.BirthDate).ThenBy(p => p.PostCode, StringComparer.Ordinal);

    /// <summary>Undated (historical) requests first, then by received date.</summary>
    public static IEnumerable<Sen2Request> Requests(IEnumerable<Sen2Request> requests) =>
        requests.OrderBy(r => r.ReceivedDate ?? DateOnly.MinValue).ThenBy(r => r.Outcome.Value, StringComparer.Ordinal);

    public static IEnumerable<Sen2Placement> Placements(IEnumerable<Sen2Placement> placements) =>
        placements.OrderBy(p => p.Rank).ThenBy(p => p.EntryDate);
}
