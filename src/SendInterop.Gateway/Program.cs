using SendInterop.Gateway.DemoData;
using SendInterop.Gateway.Fhir;
using SendInterop.Gateway.Fhir.Endpoints;
using SendInterop.Gateway.Hosting;
using SendInterop.Gateway.OpenApi;
using SendInterop.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddSendInteropDefaults();
builder.AddFhirApi();
builder.AddFhirSwagger();
builder.AddDemoData();

var app = builder.Build();
if (!OpenApiDocumentGeneration.IsRunning) await app.Services.GetRequiredService<StorageInitializer>().InitializeAsync();

app.UseExceptionHandler();
app.UseResponseCompression();
app.UseRequestDecompression();
app.Use(FhirMetrics.Middleware);
app.UseFhirSwagger();
app.MapHealthEndpoints();
app.MapFhirApi();
app.AnnounceAddresses();

app.Run();

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
