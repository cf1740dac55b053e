using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Terminology;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// Remembers $validate-code answers. The validator asks the terminology service once per coded element it checks
/// against a binding, and a CPU profile of the CRUD benchmark showed those calls as two thirds of a Patient's
/// validation; the same (value set, system, code, display) recurs in nearly every resource. Answers depend only on
/// the question and on the loaded conformance resources, which do not change while the process runs. One instance
/// per validator thread, so no locking; bounded so an unusual stream of codes cannot grow it without limit.
/// </summary>
internal sealed class MemoizingTerminologyService(ICodeValidationTerminologyService inner) : ICodeValidationTerminologyService
{
    private const int MaxEntries = 20_000;
    private readonly Dictionary<string, Parameters> _validateCode = new(StringComparer.Ordinal);

    public async Task<Parameters> ValueSetValidateCode(Parameters parameters, string? id = null, bool useGet = false)
    {
        var key = Key(parameters, id);
        if (key is not null && _validateCode.TryGetValue(key, out var known)) return known;
        var answer = await inner.ValueSetValidateCode(parameters, id, useGet).ConfigureAwait(false);
        if (key is not null)
        {
            if (_validateCode.Count >= MaxEntries) _validateCode.Clear();
            _validateCode[key] = answer;
        }
        return answer;
    }

    public Task<Parameters> Subsumes(Parameters parameters, string? id = null, bool useGet = false) => inner.Subsumes(parameters, id, useGet);

    /// <summary>A key from every parameter's name and value; null (do not cache) for anything we cannot describe exactly.</summary>
    private static string? Key(Parameters parameters, string? id)
    {
        var sb = new StringBuilder(id);
        foreach (var p in parameters.Parameter)
        {
            sb.Append('\u001f').Append(p.Name).Append('=');
            switch (p.Value)
            {
                case null when p.Resource is null && p.Part.Count == 0: break;
                case Coding c: Append(sb, c); break;
                case CodeableConcept cc:
                    foreach (var c in cc.Coding) Append(sb, c);
                    sb.Append('|').Append(cc.Text);
                    break;
                case PrimitiveType prim: sb.Append(prim.ToString()); break;
                default: return null;
            }
        }
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, Coding c) =>
        sb.Append('[').Append(c.System).Append('|').Append(c.Version).Append('|').Append(c.Code).Append('|').Append(c.Display).Append(']');
}
