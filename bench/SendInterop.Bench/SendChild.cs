namespace SendInterop.Bench;

/// <summary>
/// Generates SEND child Patients (send-child profile) with a valid test-range NHS number (999..., modulus 11) and a
/// DfE UPN with its check letter, so the gateway's full profile validation and identifier rules run and pass.
/// The check digit rules are written here again on purpose: the driver stays independent of the code it measures.
/// </summary>
internal static class SendChild
{
    private const string Profile = "https://fhir.sendinterop.org.uk/StructureDefinition/send-child";
    private static int _serial = 1_000_000;

    public static string Next(Random rnd) => Next(rnd, 2005, 2024);

    /// <summary>A SEND child born between <paramref name="firstYear"/> and <paramref name="lastYear"/> (inclusive).</summary>
    public static string Next(Random rnd, int firstYear, int lastYear)
    {
        string nhs;
        do nhs = NhsNumber(Interlocked.Increment(ref _serial)); while (nhs.Length == 0);
        var upn = Upn("926", 2000 + rnd.Next(0, 99), 15, rnd.Next(0, 999));
        var year = firstYear + rnd.Next(0, lastYear - firstYear + 1);
        return $$"""
            {"resourceType":"Patient","meta":{"profile":["{{Profile}}"]},
             "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"{{nhs}}"},
                           {"system":"https://fhir.sendinterop.org.uk/Id/upn","value":"{{upn}}"}],
             "name":[{"use":"official","family":"Bench","given":["Child"]}],
             "gender":"{{(rnd.Next(2) == 0 ? "female" : "male")}}","birthDate":"{{year}}-0{{rnd.Next(1, 10)}}-1{{rnd.Next(0, 10)}}",
             "address":[{"postalCode":"NR1 2AB"}]}
            """;
    }

    /// <summary>999 + six digits of the serial + mod-11 check digit; empty when the check digit would be 10.</summary>
    private static string NhsNumber(int serial)
    {
        var nine = "999" + (serial % 1_000_000).ToString("D6");
        var sum = 0;
        for (int i = 0; i < 9; i++) sum += (nine[i] - '0') * (10 - i);
        var check = 11 - sum % 11;
        if (check == 11) check = 0;
        return check == 10 ? "" : nine + check;
    }

    /// <summary>DfE UPN: check letter over LA (3), establishment (4), year (2), serial (3).</summary>
    private static string Upn(string la, int establishment, int year, int serial)
    {
        var body = $"{la}{establishment:D4}{year % 100:D2}{serial:D3}";
        var sum = 0;
        for (int i = 0; i < 12; i++) sum += (body[i] - '0') * (i + 2);
        return "ABCDEFGHJKLMNPQRTUVWXYZ"[sum % 23] + body;
    }
}
