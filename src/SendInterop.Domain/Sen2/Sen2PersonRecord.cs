namespace SendInterop.Domain.Sen2;

/// <summary>
/// One <c>Person</c> of the file as read: the parsed person, or every rule the record breaks. Only complete records
/// (their end tag was read) are ever produced.
/// </summary>
/// <param name="Index">1-based position of the Person in the file: how errors and reports refer to the record.</param>
/// <param name="Line">Line of the Person start tag.</param>
/// <param name="Person">The person when the record breaks no rule; null otherwise.</param>
/// <param name="Errors">Every broken rule; empty when <paramref name="Person"/> is set.</param>
public sealed record Sen2PersonRecord(int Index, int Line, Sen2Person? Person, IReadOnlyList<Sen2Error> Errors)
{
    /// <summary>True when the record may be imported (see <see cref="Sen2ReturnReader"/> for the import contract).</summary>
    public bool IsValid => Person is not null;
}
