namespace SendInterop.Domain.Access.Gate;

/// <summary>What a consent provision is matched against: who receives the data, why, which data, and when.</summary>
/// <param name="Organisation">The requester's organisation (matched against provision actors).</param>
/// <param name="Purpose">The purpose of use of the request.</param>
/// <param name="Data">The resource's facts (class, type, codes, labels, date).</param>
/// <param name="Now">The time of access (matched against provision periods).</param>
public readonly record struct ProvisionQuery(string Organisation, string Purpose, ResourceFacts Data, DateTimeOffset Now);
