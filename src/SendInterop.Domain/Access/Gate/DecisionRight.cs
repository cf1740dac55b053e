namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// Who may decide about sharing a child's data at an instant (ADR 3, "Who may decide"), and so which consent
/// directives are valid for a permit.
/// </summary>
/// <remarks>
/// The law speaks of days in England, the gate of instants. The last Friday of June always falls in British Summer
/// Time (last Sunday of March to last Sunday of October), so that day ends at 23:00 UTC, one hour before it ends in
/// UTC. Judging the day in either calendar would be a guess, so a performer is taken to decide only when both
/// calendars agree: the parent until 23:00 UTC of the last day, the young person from 00:00 UTC of the next day. In
/// the hour between, neither one's permit is valid (refusals always are). That is the reading that discloses less.
/// </remarks>
public static class DecisionRight
{
    private static readonly TimeSpan BritishSummerTime = TimeSpan.FromHours(1);

    /// <summary>
    /// True when a directive recorded by <paramref name="performer"/> is valid for a permit at <paramref name="now"/>:
    /// the performer is the person who decides on the day of access. A child with no known birth date has no valid
    /// permits, and a directive recorded by anyone else (<see cref="ConsentPerformer.Other"/>) never is.
    /// </summary>
    public static bool MayPermit(ConsentPerformer performer, DateOnly? birthDate, bool lacksCapacity, DateTimeOffset now)
    {
        if (performer == ConsentPerformer.Other || birthDate is not { } born) return false;

        var nextDay = CompulsorySchoolAge.EndFor(born).AddDays(1).ToDateTime(TimeOnly.MinValue);
        return performer switch
        {
            // With a recorded lack of capacity the parent keeps deciding after compulsory school age.
            ConsentPerformer.Parent => lacksCapacity || now < new DateTimeOffset(nextDay, BritishSummerTime),
            ConsentPerformer.YoungPerson => !lacksCapacity && now >= new DateTimeOffset(nextDay, TimeSpan.Zero),
            _ => false,
        };
    }
}
