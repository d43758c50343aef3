using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Where a silo's allocations come from: reads a .nettrace taken with the runtime's GC keyword at verbose level
// (one AllocationTick event per ~100 KB allocated, with the type and the stack of the allocation that crossed it)
// and prints the allocated bytes by type and by the innermost frames of our code and of the libraries we call.
if (args is not [var tracePath, ..])
{
    Console.Error.WriteLine("Usage: Moneta.AllocationReport TRACE.nettrace [STEPS [OWNER]]");
    Console.Error.WriteLine("  STEPS: signing steps in the traced window, for per-step figures; OWNER: a namespace whose allocation sites to list");
    return 2;
}

var steps = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 0;
var focus = args.Length > 2 ? args[2] : null; // an owner (namespace) whose allocation sites to list
using var log = TraceLog.OpenOrConvert(TraceLog.CreateFromEventPipeDataFile(tracePath));
var byType = new Dictionary<string, double>(StringComparer.Ordinal);
var bySite = new Dictionary<string, double>(StringComparer.Ordinal);
var byOwner = new Dictionary<string, double>(StringComparer.Ordinal);
var byFocus = new Dictionary<string, double>(StringComparer.Ordinal);
var total = 0.0;
foreach (var traced in log.Events)
{
    if (traced is not GCAllocationTickTraceData tick) continue;
    double bytes = tick.AllocationAmount64;
    total += bytes;
    var type = tick.TypeName ?? "?";
    byType[type] = byType.GetValueOrDefault(type) + bytes;
    var stack = tick.CallStack();
    var site = $"{type}  <- {AllocationSite(stack)}";
    var owner = Owner(stack);
    byOwner[owner] = byOwner.GetValueOrDefault(owner) + bytes;
    if (focus is not null && owner.StartsWith(focus, StringComparison.Ordinal))
    {
        var focused = $"{type}  <- {OwnerSite(stack)}";
        byFocus[focused] = byFocus.GetValueOrDefault(focused) + bytes;
    }
    bySite[site] = bySite.GetValueOrDefault(site) + bytes;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled allocations: {total / 1048576:0.0} MB{(steps > 0 ? $", {total / steps / 1024:0.0} KB per signing step" : "")}"));
Print("by owner (the innermost frame outside the base class library)", byOwner, 25);
if (focus is not null) Print($"allocation sites of {focus} (type <- the owner's frame and its caller)", byFocus, 30);
Print("by type", byType, 30);
Print("by type and allocating frames (innermost first, runtime and collection frames skipped)", bySite, 40);
return 0;

void Print(string title, Dictionary<string, double> table, int top)
{
    Console.WriteLine();
    Console.WriteLine(title);
    foreach (var (name, bytes) in table.OrderByDescending(e => e.Value).Take(top))
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100 * bytes / total,5:0.0}%  {(steps > 0 ? $"{bytes / steps,7:0} B/step  " : "")}{name}"));
}

// The first three frames that say who asked for the memory, skipping allocation helpers and generic plumbing.
static string AllocationSite(TraceCallStack? stack)
{
    var frames = new List<string>();
    for (var frame = stack; frame is not null && frames.Count < 3; frame = frame.Caller)
    {
        var name = frame.CodeAddress.FullMethodName;
        if (string.IsNullOrEmpty(name) || name.StartsWith("System.Collections", StringComparison.Ordinal) || name.StartsWith("System.Runtime.CompilerServices", StringComparison.Ordinal)
            || name.StartsWith("System.Linq", StringComparison.Ordinal) || name.StartsWith("System.String", StringComparison.Ordinal) || name.StartsWith("System.Buffers", StringComparison.Ordinal))
            continue;
        frames.Add(name.Length > 110 ? name[..110] : name);
    }

    return frames.Count == 0 ? "?" : string.Join(" <- ", frames);
}

// Whose code asked, as a namespace: the innermost frame that is not the base class library (System.*), so JSON
// written by the storage adapter counts for the storage adapter.
static string Owner(TraceCallStack? stack)
{
    for (var frame = stack; frame is not null; frame = frame.Caller)
    {
        var name = frame.CodeAddress.FullMethodName;
        if (string.IsNullOrEmpty(name) || name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Interop", StringComparison.Ordinal))
            continue;
        var type = name[..Math.Max(0, name.IndexOf('(', StringComparison.Ordinal))];
        var parts = type.Split('.');
        return string.Join('.', parts.Take(Math.Min(3, Math.Max(1, parts.Length - 2))));
    }

    return "base class library only (thread pool, tasks)";
}

// The owner's frame that allocated (or called the library that did), and the frame that called it.
static string OwnerSite(TraceCallStack? stack)
{
    for (var frame = stack; frame is not null; frame = frame.Caller)
    {
        var name = frame.CodeAddress.FullMethodName;
        if (string.IsNullOrEmpty(name) || name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Interop", StringComparison.Ordinal))
            continue;
        var caller = frame.Caller?.CodeAddress.FullMethodName ?? "?";
        return $"{Short(name)} <- {Short(caller)}";
    }

    return "?";
}

static string Short(string method) => method.Length > 100 ? method[..100] : method;
