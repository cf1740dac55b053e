using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace SendInterop.Bench;

/// <summary>
/// Synthea-shaped patient transaction Bundles: one Patient, its Encounters, vital-sign Observations and Conditions,
/// all linked by urn:uuid fullUrls (POST entries, so the server assigns ids and rewrites the references).
/// Deterministic for a given seed and index. Unlike real Synthea output there are no conditional references to
/// a hospital/practitioner bundle: every bundle is self-contained.
/// </summary>
public static class SyntheaGenerator
{
    private static readonly (string Code, string Display, string Unit, double Min, double Max)[] Vitals =
    [
        ("8302-2", "Body Height", "cm", 150, 195),
        ("29463-7", "Body Weight", "kg", 50, 110),
        ("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", 18, 35),
        ("8867-4", "Heart rate", "/min", 55, 100),
        ("9279-1", "Respiratory rate", "/min", 12, 20),
        ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported", "{score}", 0, 10),
        ("2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", 70, 140),
        ("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", 150, 260),
        ("2571-8", "Triglycerides", "mg/dL", 60, 220),
        ("18262-6", "Low Density Lipoprotein Cholesterol", "mg/dL", 60, 160),
        ("2085-9", "High Density Lipoprotein Cholesterol", "mg/dL", 35, 80),
    ];

    private static readonly (string Code, string Display)[] Conditions =
    [
        ("444814009", "Viral sinusitis (disorder)"),
        ("195662009", "Acute viral pharyngitis (disorder)"),
        ("10509002", "Acute bronchitis (disorder)"),
        ("162864005", "Body mass index 30+ - obesity (finding)"),
        ("271737000", "Anemia (disorder)"),
        ("15777000", "Prediabetes"),
        ("59621000", "Essential hypertension (disorder)"),
        ("40055000", "Chronic sinusitis (disorder)"),
    ];

    private static readonly string[] Given = ["Alfonso", "Maria", "Kerri", "Jose", "Linda", "Wei", "Amara", "Tomas", "Noor", "Ivan"];
    private static readonly string[] Family = ["Kub", "Hoppe", "Tromp", "Rodriguez", "Nguyen", "Okafor", "Schmidt", "Rossi", "Haddad", "Kowalski"];
    private static readonly string[] Cities = ["Boston", "Worcester", "Springfield", "Cambridge", "Lowell", "Quincy"];

    public sealed record GeneratedBundle(string Name, byte[] Json, int Entries);

    public static GeneratedBundle PatientBundle(int index, int targetEntries, int seed, bool withConditions = true)
    {
        var rnd = new Random(unchecked(seed * 1_000_003 + index)); // deterministic across processes (HashCode is not)
        Guid NewId() { Span<byte> b = stackalloc byte[16]; rnd.NextBytes(b); b[7] = (byte)((b[7] & 0x0F) | 0x40); b[8] = (byte)((b[8] & 0x3F) | 0x80); return new Guid(b); }

        // 1 patient + per encounter: 1 encounter + obsPer observations + ~1 condition
        var obsPer = Vitals.Length;
        var encounters = Math.Max(1, (targetEntries - 1) / (obsPer + (withConditions ? 2 : 1)));
        var patientId = NewId();
        var buffer = new ArrayBufferWriter<byte>(targetEntries * 900);
        var entries = 0;
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "Bundle");
            w.WriteString("type", "transaction");
            w.WriteStartArray("entry");

            var gender = rnd.Next(2) == 0 ? "male" : "female";
            var given = Given[rnd.Next(Given.Length)];
            var family = Family[rnd.Next(Family.Length)] + index.ToString(CultureInfo.InvariantCulture);
            var birth = new DateTime(1940, 1, 1).AddDays(rnd.Next(0, 365 * 70));
            Entry(w, patientId, "Patient", () =>
            {
                w.WriteStartArray("extension");
                Ext(w, "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex", "valueCode", gender == "male" ? "M" : "F");
                w.WriteStartObject();
                w.WriteString("url", "http://synthetichealth.github.io/synthea/quality-adjusted-life-years");
                w.WriteNumber("valueDecimal", Math.Round(rnd.NextDouble() * 60, 3));
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartArray("identifier");
                Identifier(w, Seeds.SyntheaSystem, patientId.ToString());
                w.WriteStartObject();
                w.WriteStartObject("type"); Coding(w, "http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical Record Number"); w.WriteEndObject();
                w.WriteString("system", "http://hospital.smarthealthit.org");
                w.WriteString("value", patientId.ToString());
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartArray("name");
                w.WriteStartObject(); w.WriteString("use", "official"); w.WriteString("family", family);
                w.WriteStartArray("given"); w.WriteStringValue(given); w.WriteEndArray(); w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartArray("telecom");
                w.WriteStartObject(); w.WriteString("system", "phone"); w.WriteString("value", $"555-{rnd.Next(100, 999)}-{rnd.Next(1000, 9999)}"); w.WriteString("use", "home"); w.WriteEndObject();
                w.WriteEndArray();
                w.WriteString("gender", gender);
                w.WriteString("birthDate", birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteStartArray("address");
                w.WriteStartObject();
                w.WriteStartArray("line"); w.WriteStringValue($"{rnd.Next(1, 999)} Main Street"); w.WriteEndArray();
                w.WriteString("city", Cities[rnd.Next(Cities.Length)]); w.WriteString("state", "MA"); w.WriteString("country", "US");
                w.WriteEndObject();
                w.WriteEndArray();
            });
            entries++;

            var start = birth.AddYears(18);
            for (var e = 0; e < encounters; e++)
            {
                start = start.AddDays(rnd.Next(30, 400));
                var encId = NewId();
                var period = (Start: Instant(start), End: Instant(start.AddMinutes(15)));
                Entry(w, encId, "Encounter", () =>
                {
                    w.WriteStartArray("identifier"); Identifier(w, Seeds.SyntheaSystem, encId.ToString()); w.WriteEndArray();
                    w.WriteString("status", "finished");
                    w.WriteStartObject("class"); w.WriteString("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode"); w.WriteString("code", "AMB"); w.WriteEndObject();
                    w.WriteStartArray("type");
                    w.WriteStartObject(); Coding(w, "http://snomed.info/sct", "185349003", "Encounter for check up (procedure)"); w.WriteString("text", "Encounter for check up (procedure)"); w.WriteEndObject();
                    w.WriteEndArray();
                    Ref(w, "subject", patientId);
                    w.WriteStartObject("period"); w.WriteString("start", period.Start); w.WriteString("end", period.End); w.WriteEndObject();
                });
                entries++;

                foreach (var v in Vitals)
                {
                    var obsId = NewId();
                    var value = Math.Round(v.Min + rnd.NextDouble() * (v.Max - v.Min), 1);
                    var lab = v.Code is "2339-0" or "2093-3" or "2571-8" or "18262-6" or "2085-9";
                    Entry(w, obsId, "Observation", () =>
                    {
                        w.WriteString("status", "final");
                        w.WriteStartArray("category");
                        w.WriteStartObject(); Coding(w, "http://terminology.hl7.org/CodeSystem/observation-category", lab ? "laboratory" : "vital-signs", lab ? "laboratory" : "vital-signs"); w.WriteEndObject();
                        w.WriteEndArray();
                        w.WriteStartObject("code"); Coding(w, "http://loinc.org", v.Code, v.Display); w.WriteString("text", v.Display); w.WriteEndObject();
                        Ref(w, "subject", patientId);
                        Ref(w, "encounter", encId);
                        w.WriteString("effectiveDateTime", period.Start);
                        w.WriteString("issued", period.Start);
                        w.WriteStartObject("valueQuantity");
                        w.WriteNumber("value", value); w.WriteString("unit", v.Unit); w.WriteString("system", "http://unitsofmeasure.org"); w.WriteString("code", v.Unit);
                        w.WriteEndObject();
                    });
                    entries++;
                }

                var conditions = e == 0 ? 2 : rnd.Next(0, 3); // about one per encounter on average
                if (!withConditions) conditions = 0;
                for (var c = 0; c < conditions; c++)
                {
                    var cond = Conditions[rnd.Next(Conditions.Length)];
                    var resolved = rnd.Next(3) != 0;
                    var condId = NewId();
                    Entry(w, condId, "Condition", () =>
                    {
                        w.WriteStartObject("clinicalStatus"); Coding(w, "http://terminology.hl7.org/CodeSystem/condition-clinical", resolved ? "resolved" : "active", null); w.WriteEndObject();
                        w.WriteStartObject("verificationStatus"); Coding(w, "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null); w.WriteEndObject();
                        w.WriteStartArray("category");
                        w.WriteStartObject(); Coding(w, "http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis", "Encounter Diagnosis"); w.WriteEndObject();
                        w.WriteEndArray();
                        w.WriteStartObject("code"); Coding(w, "http://snomed.info/sct", cond.Code, cond.Display); w.WriteString("text", cond.Display); w.WriteEndObject();
                        Ref(w, "subject", patientId);
                        Ref(w, "encounter", encId);
                        w.WriteString("onsetDateTime", period.Start);
                        if (resolved) w.WriteString("abatementDateTime", Instant(start.AddDays(rnd.Next(5, 30))));
                        w.WriteString("recordedDate", period.Start);
                    });
                    entries++;
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return new GeneratedBundle($"generated-{index:D5}", buffer.WrittenSpan.ToArray(), entries);
    }

    private static string Instant(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "-05:00";

    private static void Entry(Utf8JsonWriter w, Guid id, string type, Action body)
    {
        w.WriteStartObject();
        w.WriteString("fullUrl", "urn:uuid:" + id);
        w.WriteStartObject("resource");
        w.WriteString("resourceType", type);
        body();
        w.WriteEndObject();
        w.WriteStartObject("request");
        w.WriteString("method", "POST");
        w.WriteString("url", type);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Ref(Utf8JsonWriter w, string name, Guid id)
    {
        w.WriteStartObject(name);
        w.WriteString("reference", "urn:uuid:" + id);
        w.WriteEndObject();
    }

    private static void Identifier(Utf8JsonWriter w, string system, string value)
    {
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static void Coding(Utf8JsonWriter w, string system, string code, string? display)
    {
        w.WriteStartArray("coding");
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("code", code);
        if (display != null) w.WriteString("display", display);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Ext(Utf8JsonWriter w, string url, string valueName, string value)
    {
        w.WriteStartObject();
        w.WriteString("url", url);
        w.WriteString(valueName, value);
        w.WriteEndObject();
    }
}
