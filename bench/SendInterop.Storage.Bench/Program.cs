using BenchmarkDotNet.Running;

// bench/storage.sh runs this; any BenchmarkDotNet arguments pass through (e.g. --filter '*Binding*'). The first argument
// "audit-writer" runs the audit writer at a steady rate instead (AuditWriterLoad).
if (args.Length > 0 && args[0] == "audit-writer") return await SendInterop.Storage.Bench.AuditWriterLoad.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(SendInterop.Storage.Bench.MultiRowInsertBinding).Assembly).Run(args);
return 0;
