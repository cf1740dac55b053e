using N = SendInterop.Domain.Sen2.Sen2ElementNames;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// Remembers who has been seen in the file so a later record of the same person is reported. Keys: UPN, ULN, and for a
/// person with neither, surname + forename + birth date + postcode. Only the first occurrence can be valid: streaming
/// cannot take back a record already handed out, and the DfE return has one record per person.
/// </summary>
internal sealed class Sen2DuplicatePersons
{
    private readonly Dictionary<string, int> _upns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ulns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _demographics = new(StringComparer.Ordinal);

    /// <summary>The duplicate error for this record, or null when the person is new; the person is remembered either way.</summary>
    public Sen2Error? Check(int record, Sen2XmlNode personNode, Sen2PersonIdentity identity)
    {
        var path = $"/{N.Message}/{N.Persons}/{N.Person}[{record}]";
        if (identity.Upn is { } upn && Seen(_upns, upn, record) is { } first)
            return Error(record, identity.UpnNode!, $"{path}/{N.Upn}", $"the same UPN is in record {first}");
        if (identity.Uln is { } uln && Seen(_ulns, uln, record) is { } firstUln)
            return Error(record, identity.UlnNode!, $"{path}/{N.Uln}", $"the same UniqueLearnerNumber is in record {firstUln}");
        if (identity.Upn is null && identity.Uln is null && identity.Demographic is { } key && Seen(_demographics, key, record) is { } firstSame)
            return Error(record, personNode, path, $"a person with the same name, birth date and postcode and no UPN or ULN is in record {firstSame}");
        return null;
    }

    private static int? Seen(Dictionary<string, int> seen, string key, int record)
    {
        if (seen.TryGetValue(key, out var first)) return first;
        seen[key] = record;
        return null;
    }

    private static Sen2Error Error(int record, Sen2XmlNode at, string path, string message) =>
        new(record, path, at.Line, at.Position, Sen2Rule.DuplicatePerson, message);
}
