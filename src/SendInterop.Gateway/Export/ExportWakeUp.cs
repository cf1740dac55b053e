using SendInterop.Gateway.Hosting;

namespace SendInterop.Gateway.Export;

/// <summary>Rung by a kick-off so this replica's worker starts the job at once instead of at its next poll.</summary>
public sealed class ExportWakeUp : Doorbell;
