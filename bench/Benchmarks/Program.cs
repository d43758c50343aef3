using BenchmarkDotNet.Running;

// Examples: dotnet run -c Release --project bench/Benchmarks -- --filter '*' --job short
//           dotnet run -c Release --project bench/Benchmarks -- --list flat
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The entry point's type, for <see cref="BenchmarkSwitcher"/>.</summary>
public partial class Program;
