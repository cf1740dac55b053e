namespace SendInterop.Domain.Identity.Linkage.Blocking;

/// <summary>
/// A blocking rule: only records that share the rule's key are compared. The key is computed once per record; a
/// record without the key's fields (null) is not blocked by this rule. A pair is a candidate when any rule puts both
/// records in one block, so the rules together must catch nearly every true match while each stays selective.
/// </summary>
public sealed record BlockingRule(string Name, string Description, Func<PreparedRecord, string?> Key);
