using BenchmarkDotNet.Running;

// bench/storage.sh runs this; any BenchmarkDotNet arguments pass through (e.g. --filter '*Binding*').
BenchmarkSwitcher.FromAssembly(typeof(SendInterop.Storage.Bench.MultiRowInsertBinding).Assembly).Run(args);
