using SendInterop.Domain.Indicators;

namespace SendInterop.Indicators.Bench;

/// <summary>Where generated rows go, one call per row, so the population is streamed and never held in memory.</summary>
public interface IProjectionSink
{
    void Case(CaseRow row);
    void Plan(PlanRow row);
    void Review(ReviewRow row);
    void Outcome(OutcomeRow row);
    void Wait(WaitRow row);
}
