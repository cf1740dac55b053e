using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// The identifiers that make a SEN2 import idempotent. The child's Patient is found by any of its national or LA
/// identifiers; every resource the import owns carries a <see cref="Sen2FhirUrls.RecordIdentifier"/> whose value is
/// <c>{LA code}/{person token}/{request key}[/{part}]</c>. The person token is a hash of the child's main identifier, so the
/// keys repeated on every resource (and in conditional URLs that may be logged) do not spell out the UPN.
/// </summary>
public sealed class Sen2RecordKey
{
    private Sen2RecordKey(LaCode la, IReadOnlyList<Identifier> patientIdentifiers)
    {
        La = la;
        PatientIdentifiers = patientIdentifiers;
        PersonToken = PersonTokenFor(patientIdentifiers[0]);
    }

    /// <summary>The LA whose return the records come from: its records are kept apart from another LA's.</summary>
    public LaCode La { get; }

    /// <summary>The child's identifiers in order of preference: UPN, ULN, LA child id. The first one keys the records.</summary>
    public IReadOnlyList<Identifier> PatientIdentifiers { get; }

    /// <summary>16 hex characters of SHA-256 over the main identifier.</summary>
    public string PersonToken { get; }

    /// <summary>
    /// The key for a person: needs a UPN, a ULN or an LA child id (SEN2 has no LA id, so the caller supplies one from identity
    /// linking for a person with only a UPNunknown reason).
    /// </summary>
    public static bool TryCreate(Sen2Person person, LaCode la, LaChildId? laChildId, out Sen2RecordKey key, out string problem)
    {
        ArgumentNullException.ThrowIfNull(person);
        var identifiers = new List<Identifier>(3);
        if (person.Upn is { } upn) identifiers.Add(new Identifier(IdentifierSystems.Upn, upn.Value));
        if (person.Uln is { } uln) identifiers.Add(new Identifier(IdentifierSystems.Uln, uln.Value));
        if (laChildId is { } id) identifiers.Add(new Identifier(IdentifierSystems.LaChildId, id.Value));
        if (identifiers.Count == 0)
        {
            key = null!;
            problem = "the person has no UPN or ULN and no LA child id was supplied: resolve the child's identity first";
            return false;
        }

        key = new Sen2RecordKey(la, identifiers);
        problem = string.Empty;
        return true;
    }

    /// <summary>The record key of one request: its received date, or its position among the person's undated requests.</summary>
    public string Request(Sen2Request request, int undatedOrdinal) =>
        $"{La.Value}/{PersonToken}/" + (request.ReceivedDate is { } d
            ? "r" + d.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
            : "n" + undatedOrdinal.ToString(CultureInfo.InvariantCulture));

    public static string Plan(string requestKey) => requestKey + "/plan";

    public static string Need(string requestKey, int rank) => requestKey + "/need" + rank.ToString(CultureInfo.InvariantCulture);

    public static string Review(string requestKey) => requestKey + "/review";

    /// <summary>The <c>identifier</c> search that finds a record: the conditional-update URL of its transaction entry.</summary>
    public static string ConditionalUrl(string resourceType, string recordKey) =>
        $"{resourceType}?identifier={Uri.EscapeDataString(Sen2FhirUrls.RecordIdentifier)}|{Uri.EscapeDataString(recordKey)}";

    /// <summary>The <c>ifNoneExist</c> search that finds the child by any of its identifiers (comma = OR).</summary>
    public string PatientSearch() =>
        "identifier=" + string.Join(',', PatientIdentifiers.Select(i => $"{Uri.EscapeDataString(i.System ?? "")}|{Uri.EscapeDataString(i.Value ?? "")}"));

    /// <summary>The person token a record key would have if <paramref name="identifier"/> were the child's main identifier.</summary>
    public static string PersonTokenFor(Identifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return Hash($"{identifier.System}|{identifier.Value}")[..16];
    }

    /// <summary>The LA code part of a record key (<c>{LA}/...</c>).</summary>
    public static string LaOf(string recordKey) => Part(recordKey, 0);

    /// <summary>The person token part of a record key (<c>{LA}/{token}/...</c>).</summary>
    public static string PersonTokenOf(string recordKey) => Part(recordKey, 1);

    /// <summary>The SEN2 record key a resource carries, if any (the value of its <see cref="Sen2FhirUrls.RecordIdentifier"/>).</summary>
    public static string? ValueOf(Resource? resource)
    {
        var identifiers = resource switch
        {
            ServiceRequest r => r.Identifier,
            CarePlan r => r.Identifier,
            Condition r => r.Identifier,
            Encounter r => r.Identifier,
            _ => null,
        };
        return identifiers?.FirstOrDefault(i => i.System == Sen2FhirUrls.RecordIdentifier)?.Value;
    }

    private static string Part(string recordKey, int index)
    {
        var parts = recordKey.Split('/');
        return parts.Length > index ? parts[index] : "";
    }

    /// <summary>A name-based urn:uuid, so mapping the same record twice gives the same Bundle.</summary>
    public static string FullUrl(string name)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom (RFC 9562)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return "urn:uuid:" + new Guid(bytes, bigEndian: true).ToString("D");
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
