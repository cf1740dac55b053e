using SendInterop.Domain.Statutory;

namespace SendInterop.Gateway.Statutory;

/// <summary>
/// Configuration section <c>Statutory</c>: the statutory Tasks the gateway keeps for every EHC case (issue #5 point 1).
/// </summary>
/// <example>
/// <code>
/// "Statutory": {
///   "SweepTimeOfDay": "02:30",
///   "LocalAuthorities": {
///     "926": { "Closures": [ { "Scope": "SchoolsAndColleges", "FirstDayClosed": "2026-07-23", "ReopensOn": "2026-09-03", "Label": "Summer 2026" } ] }
///   }
/// }
/// </code>
/// </example>
public sealed class StatutoryOptions
{
    public const string Section = "Statutory";

    /// <summary>Keep statutory Tasks at all. Off: no recomputation on writes and no sweep (Tasks already written stay).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Local time of day (<see cref="TimeZone"/>) of the daily sweep that flags steps which became overdue overnight.
    /// Early morning: the day has turned, and the work is done before staff open their lists.
    /// </summary>
    public TimeOnly SweepTimeOfDay { get; set; } = new(2, 30);

    /// <summary>Sweep every this often instead of daily at <see cref="SweepTimeOfDay"/> (for a demo or a busy LA); null for daily.</summary>
    public TimeSpan? SweepInterval { get; set; }

    /// <summary>Sweep once when the host has started: a gateway that was down over midnight catches up at once.</summary>
    public bool SweepAtStartup { get; set; } = true;

    /// <summary>
    /// How soon a child whose Tasks could not be written after a commit is tried again (the write itself stood). The
    /// daily sweep repairs too; this only shortens the wait.
    /// </summary>
    public TimeSpan RepairInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The statutory day is the English calendar day: a request received at 00:30 BST counts from that day.</summary>
    public string TimeZone { get; set; } = "Europe/London";

    /// <summary>Infer the next standard phase transfer from the date of birth where the record names none (all LAs unless overridden).</summary>
    public bool InferPhaseTransfers { get; set; } = true;

    /// <summary>Per local authority, keyed by the 3-digit DfE LA code ("926") or the Organization id ("la-926").</summary>
    public Dictionary<string, LocalAuthorityClockOptions> LocalAuthorities { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One LA's term dates and choices, applied to every case it is responsible for.</summary>
public sealed class LocalAuthorityClockOptions
{
    /// <summary>Holiday closures (reg 10(4)(a)/(b)); only those of 4 weeks or more can ground an exception.</summary>
    public List<HolidayClosureOption> Closures { get; set; } = [];

    /// <summary>Overrides <see cref="StatutoryOptions.InferPhaseTransfers"/> (off for an LA with middle schools).</summary>
    public bool? InferPhaseTransfers { get; set; }
}

public sealed class HolidayClosureOption
{
    public ClosureScope Scope { get; set; } = ClosureScope.SchoolsAndColleges;
    public DateOnly FirstDayClosed { get; set; }
    public DateOnly ReopensOn { get; set; }
    public string Label { get; set; } = "";
}
