using SendInterop.Gateway.Audit;
using SendInterop.Gateway.Dashboard;
using SendInterop.Gateway.DemoData;
using SendInterop.Gateway.Fhir;
using SendInterop.Gateway.Export;
using SendInterop.Gateway.Fhir.Endpoints;
using SendInterop.Gateway.Hosting;
using SendInterop.Gateway.OpenApi;
using SendInterop.Gateway.Security.Authentication;
using SendInterop.Gateway.Sen2;
using SendInterop.Gateway.Statutory;
using SendInterop.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddSendInteropDefaults();
builder.AddFhirApi();
builder.AddStatutoryTasks();
builder.AddFhirSwagger();
builder.AddSendInteropAuthentication();
builder.AddDemoData();
builder.AddAuditTrail();
builder.AddSen2();
builder.AddBulkExport();
builder.AddDashboard();

var app = builder.Build();
if (!OpenApiDocumentGeneration.IsRunning) await app.Services.GetRequiredService<StorageInitializer>().InitializeAsync();

app.UseExceptionHandler();
app.UseResponseCompression();
app.UseRequestDecompression();
app.Use(FhirMetrics.Middleware);
app.UseFhirSwagger();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealthEndpoints();
app.MapAuthEndpoints();
app.MapFhirApi();
app.MapSen2Api();
app.MapBulkExportApi();
app.MapAuditEndpoints();
app.MapDashboard();
app.AnnounceAddresses();

app.Run();

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
