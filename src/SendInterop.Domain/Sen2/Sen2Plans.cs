using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Sen2;

/// <summary>The <c>NamedPlan</c> element (module 4a): the current EHC plan and the settings named in section I.</summary>
public sealed record Sen2NamedPlan
{
    /// <summary><c>StartDate</c>: the date of the current plan.</summary>
    public required DateOnly StartDate { get; init; }

    /// <summary><c>PlanDetail</c> elements: settings named in the plan, rank 1 = main.</summary>
    public IReadOnlyList<Sen2PlanDetail> Settings { get; init; } = [];

    /// <summary><c>PlanRes</c>.</summary>
    public Sen2Code? Residential { get; init; }

    /// <summary><c>PlanWBP</c>.</summary>
    public Sen2Code? WorkBasedLearning { get; init; }

    /// <summary><c>PB</c>: a personal budget was taken up.</summary>
    public bool? PersonalBudget { get; init; }

    /// <summary><c>OA</c>: personal budget as organised arrangements.</summary>
    public bool? OrganisedArrangements { get; init; }

    /// <summary><c>DP</c>: personal budget as direct payments.</summary>
    public Sen2Code? DirectPayments { get; init; }

    /// <summary><c>CeaseDate</c>: when the plan ended or was transferred (not the date of the decision to cease).</summary>
    public DateOnly? CeaseDate { get; init; }

    public Sen2Code? CeaseReason { get; init; }
}

/// <summary>Where a person is or is to be educated: a URN, a UKPRN or, for neither, a SENsetting code.</summary>
public sealed record Sen2Setting
{
    public SchoolUrn? Urn { get; init; }

    public Ukprn? Ukprn { get; init; }

    /// <summary><c>SENsetting</c> (<see cref="Sen2CodeLists.SenSetting"/>).</summary>
    public Sen2Code? SenSetting { get; init; }

    /// <summary><c>SENsettingOther</c>: free text the LA wrote.</summary>
    public string? SenSettingOther { get; init; }
}

/// <summary>A <c>PlanDetail</c> element (module 4b): a setting named in the plan.</summary>
public sealed record Sen2PlanDetail
{
    public required Sen2Setting Setting { get; init; }

    /// <summary><c>PlacementRank</c>: 1 main, 2 second (dual placement).</summary>
    public required int Rank { get; init; }

    /// <summary><c>SENunitIndicator</c>.</summary>
    public required bool SenUnit { get; init; }

    /// <summary><c>ResourcedProvisionIndicator</c>.</summary>
    public required bool ResourcedProvision { get; init; }
}

/// <summary>The <c>ActivePlans</c> element (module 5a): the plan as at the census day, its placements, needs and review.</summary>
public sealed record Sen2ActivePlan
{
    /// <summary><c>TransferLA</c>: the LA the plan was transferred in from during the year.</summary>
    public LaCode? TransferredInFrom { get; init; }

    public IReadOnlyList<Sen2Placement> Placements { get; init; } = [];

    public IReadOnlyList<Sen2Need> Needs { get; init; } = [];

    /// <summary><c>ReviewMeeting</c>: the annual review meeting date.</summary>
    public DateOnly? ReviewMeeting { get; init; }

    public Sen2Code? ReviewOutcome { get; init; }

    /// <summary><c>ReviewDraft</c> (2026; XML name unverified): date the draft amended plan was issued.</summary>
    public DateOnly? ReviewDraft { get; init; }

    /// <summary><c>PhaseTransferDueDate</c> (2026; XML name unverified).</summary>
    public DateOnly? PhaseTransferDueDate { get; init; }

    /// <summary><c>PhaseTransferFinalDate</c> (2026; XML name unverified).</summary>
    public DateOnly? PhaseTransferFinalDate { get; init; }

    /// <summary><c>LastReview</c>: the date the LA told the family its decision after the review meeting.</summary>
    public DateOnly? LastReview { get; init; }
}

/// <summary>A <c>PlacementDetail</c> element (module 5b): an actual placement of the active plan.</summary>
public sealed record Sen2Placement
{
    public required Sen2Setting Setting { get; init; }

    public required int Rank { get; init; }

    public required DateOnly EntryDate { get; init; }

    public DateOnly? LeavingDate { get; init; }

    public required bool SenUnit { get; init; }

    public required bool ResourcedProvision { get; init; }

    /// <summary><c>RES</c>.</summary>
    public Sen2Code? Residential { get; init; }

    /// <summary><c>WBP</c>.</summary>
    public Sen2Code? WorkBasedLearning { get; init; }
}

/// <summary>A <c>SENneed</c> element (module 5c): a need type and its rank, 1 = primary need.</summary>
public sealed record Sen2Need(Sen2Code Type, int Rank);
