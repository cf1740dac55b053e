namespace SendInterop.Gateway.Identity;

/// <summary>How a Patient came to be in its master identity (<c>master_links.Method</c>).</summary>
public static class MasterLinkMethods
{
    /// <summary>Its verified NHS number (UK Core status 01) is held by a Patient already in that master.</summary>
    public const string VerifiedNhsNumber = "verified-nhs-number";

    /// <summary>As <see cref="VerifiedNhsNumber"/>, with the number found by an NHS number trace.</summary>
    public const string TracedNhsNumber = "traced-nhs-number";

    /// <summary>The linkage engine put the best existing candidate in the auto-link band.</summary>
    public const string AutoLink = "auto-link";

    /// <summary>Nothing matched well enough: a new master.</summary>
    public const string NewMaster = "new-master";

    /// <summary>The best candidate was in the review band: a new master until a person decides (a review Task is open).</summary>
    public const string PendingReview = "pending-review";

    /// <summary>A person resolved a review Task as the same child.</summary>
    public const string ReviewLinked = "review-linked";

    /// <summary>A person resolved a review Task as different children.</summary>
    public const string ReviewSeparated = "review-separated";

    /// <summary>Moved into the target's master by <c>Patient/$merge</c>.</summary>
    public const string Merged = "merged";
}
