namespace SendInterop.Domain.Sen2;

/// <summary>The errors of one record (or of the header, <see cref="Record"/> null) as they are found.</summary>
internal sealed class Sen2RecordErrors(int? record, Sen2Rule missingRule = Sen2Rule.MissingMandatoryItem)
{
    private List<Sen2Error>? _errors;

    public int? Record { get; } = record;

    /// <summary>The rule a missing item breaks: per record a missing mandatory item; in the header an invalid header.</summary>
    public Sen2Rule MissingRule { get; } = missingRule;

    public bool Any => _errors is { Count: > 0 };

    public IReadOnlyList<Sen2Error> All => _errors ?? (IReadOnlyList<Sen2Error>)[];

    public void Add(Sen2XmlNode at, string path, Sen2Rule rule, string message, string? value = null) =>
        (_errors ??= []).Add(new Sen2Error(Record, path, at.Line, at.Position, rule, message, value));
}
