#!/usr/bin/env python3
"""Summarizes a perf CPU profile of the silo (perf script output on stdin, from bench/profile.sh).

Every sample is time on CPU. Prints the share of samples per area of a signing step (a sample's area is the first
rule matching its innermost frames, looking outwards), then the hottest methods by exclusive and inclusive samples.
"""
import re
import sys
from collections import Counter

# The breakdown of a step; rules are tried on each frame from the innermost outwards, the first match names the area.
AREAS = [
    ("GC", r"^(WKS::|SVR::)|gc_heap|GCHeap|GarbageCollect|Memmove|JIT_New|AllocateObject|RhpNew|Alloc(ate)?Small"),
    ("crypto (ECDSA, SHA-256)", r"libcrypto|System\.Security\.Cryptography|Interop\+Crypto|ECDsa|SHA256"),
    ("RFC 8785 canonicalization", r"Moneta\.Crypto\.(JsonCanonicalizer|EcmaScriptNumber)"),
    ("access token validation", r"Microsoft\.IdentityModel|Moneta\.Api\.Auth\.AccessTokens"),
    ("SQLite storage", r"libe_sqlite3|Microsoft\.Data\.Sqlite|SQLitePCL"),
    ("DynamoDB storage", r"Amazon\."),
    ("Moneta storage adapter and outbox", r"Moneta\.Runtime\."),
    ("Orleans serialization and copying", r"Orleans\.Serialization"),
    ("Orleans runtime (calls, scheduling, directory)", r"Orleans\."),
    ("telemetry (metrics, activities)", r"OpenTelemetry|System\.Diagnostics\.(Metrics|Activity|DiagnosticSource)"),
    ("logging", r"Microsoft\.Extensions\.Logging"),
    ("JSON (System.Text.Json)", r"System\.Text\.Json"),
    ("Moneta grains (contract rules)", r"Moneta\.Grains\."),
    ("Moneta API endpoints and auth", r"Moneta\.Api\."),
    ("ASP.NET Core routing, auth and middleware", r"Microsoft\.AspNetCore\.(Routing|Authentication|Authorization|Http|Builder|RateLimiting|Diagnostics|HttpOverrides)"),
    ("Kestrel, sockets and HTTP", r"Microsoft\.AspNetCore\.Server\.Kestrel|System\.Net\.|System\.IO\.Pipelines|\[kernel\.kallsyms\]"),
    ("threads, tasks and the runtime", r"System\.Threading|System\.Runtime\.CompilerServices|libcoreclr|libclrjit|libc\.so|ld-linux"),
]


def samples(lines):
    stack = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if stack:
                yield stack
            stack = []
        elif line.startswith(("\t", " ")) and stack is not None:
            parts = line.strip().split(" ", 1)
            frame = parts[1] if len(parts) > 1 else parts[0]
            stack.append(re.sub(r"\+0x[0-9a-f]+", "", frame))
        else:
            stack = []
    if stack:
        yield stack


def area_of(stack):
    for frame in stack:  # innermost first
        for area, pattern in AREAS:
            if re.search(pattern, frame):
                return area
    return "other"


def main():
    exclusive, inclusive, areas = Counter(), Counter(), Counter()
    total = 0
    for stack in samples(sys.stdin):
        total += 1
        exclusive[stack[0]] += 1
        for frame in set(stack):
            inclusive[frame] += 1
        areas[area_of(stack)] += 1
    if total == 0:
        print("no samples")
        return
    print(f"samples on CPU: {total}\n")
    print("share by area")
    for area, n in areas.most_common():
        print(f"  {100 * n / total:5.1f}%  {area}")
    print("\nhottest, exclusive")
    for frame, n in exclusive.most_common(30):
        print(f"  {100 * n / total:5.1f}%  {frame[:160]}")
    print("\nhottest, inclusive")
    for frame, n in inclusive.most_common(60):
        print(f"  {100 * n / total:5.1f}%  {frame[:160]}")


if __name__ == "__main__":
    main()
