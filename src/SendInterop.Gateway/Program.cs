using SendInterop.Gateway.Fhir;
using SendInterop.Gateway.Fhir.Endpoints;
using SendInterop.Gateway.Hosting;
using SendInterop.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddSendInteropDefaults();
builder.AddFhirApi();

var app = builder.Build();
await app.Services.GetRequiredService<StorageInitializer>().InitializeAsync();

app.UseExceptionHandler();
app.UseResponseCompression();
app.UseRequestDecompression();
app.Use(FhirMetrics.Middleware);
app.MapHealthEndpoints();
app.MapFhirApi();
app.AnnounceAddresses();

app.Run();

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
