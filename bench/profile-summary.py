#!/usr/bin/env python3
"""Summarizes a perf CPU profile of the silo (perf script output on stdin, from bench/profile.sh).

Every sample is time on CPU. Prints the share of samples per area of a signing step (a sample's area is the first
rule matching its innermost frames, looking outwards), then the hottest methods by exclusive and inclusive samples.
"""
import re
import sys
from collections import Counter

# The breakdown of a step; rules are tried on each frame from the innermost outwards, the first match names the area.
# Kernel and C library frames are transparent: a write() or memset() belongs to whoever called it (SQLite's WAL
# writes, the GC clearing memory, a socket send), so they are skipped while an outer frame can still name the area.
TRANSPARENT = r"\[kernel\.kallsyms\]|/libc\.so|ld-linux|\[vdso\]|^\[unknown\] \(\[unknown\]\)"
SYSCALLS = [
    ("SQLite storage", r"pread|pwrite|fsync|fdatasync|fcntl|ftruncate"),
    ("Kestrel, sockets and HTTP", r"__send|recv|epoll|writev|sendmsg|^read |__GI___libc_write"),
    ("C library (malloc, memcpy) from native code", r"malloc|free|memcmp|memmove|memcpy|memset|strncmp"),
]
AREAS = [
    ("CLR: JIT compiler", r"libclrjit"),
    ("CLR: GC, allocation and runtime helpers (libcoreclr, stubs)", r"^(WKS::|SVR::)|gc_heap|GCHeap|libcoreclr|^stub |JIT_|CastHelpers|RhpNew"),
    ("crypto (ECDSA, SHA-256)", r"libcrypto|System\.Security\.Cryptography|Interop\+Crypto|ECDsa|SHA256"),
    ("RFC 8785 canonicalization", r"Moneta\.Crypto\.(JsonCanonicalizer|EcmaScriptNumber)"),
    ("access token validation", r"Microsoft\.IdentityModel|Moneta\.Api\.Auth\.(AccessTokens|RememberedAccessTokens)"),
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
    ("Kestrel, sockets and HTTP", r"Microsoft\.AspNetCore\.Server\.Kestrel|System\.Net\.|System\.IO\.Pipelines"),
    ("thread pool, tasks and async machinery", r"System\.Threading|System\.Runtime\.CompilerServices|System\.Private\.CoreLib|start_thread"),
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
        if re.search(TRANSPARENT, frame):
            continue
        for area, pattern in AREAS:
            if re.search(pattern, frame):
                return area
    if not all(re.search(TRANSPARENT, f) for f in stack):
        return "other"
    # perf cannot unwind past the C library (no frame pointers): name the area by the system call made.
    for area, pattern in SYSCALLS:
        if re.search(pattern, stack[-1]):
            return area
    return "kernel: scheduling, interrupts, page faults (no user frame)"


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
