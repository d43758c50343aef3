using Moneta.Silo;

var app = MonetaSilo.Build(args);
await app.RunAsync();

/// <summary>Visible to the tests, which start silos in process.</summary>
public partial class Program;
