namespace SendInterop.Domain.Statutory;

/// <summary>Who owes a statutory step: the body whose duty (or, for the family, whose window) the time limit is.</summary>
public enum StepOwner
{
    /// <summary>The local authority (its SEN team, including its educational psychology service).</summary>
    LocalAuthority,

    /// <summary>An NHS body giving health advice (ICB or provider trust).</summary>
    Health,

    /// <summary>Social care giving advice (the LA's children's or adult social care).</summary>
    SocialCare,

    /// <summary>The school, college or early years setting (advice from the head or principal; the review meeting).</summary>
    SchoolOrSetting,

    /// <summary>The child's parent or the young person (for example the 15 days to comment on the draft plan).</summary>
    Family,
}
