"""The cost model's tables, printed as Markdown (cost_model.py computes them).

Per scenario: the requests and units per unit, the Lambda figures, the
dollars per million by line item and by function, and the measurement next
to its floor and targets; then every scenario against its floor in one table.
"""

from __future__ import annotations


def print_markdown(m: dict) -> None:
    print(f"### {m['scenario']}: per {m['unit']} ({m['count']} counted)\n")
    print(f"Requests and units per {m['unit']}:\n")
    print("| function | service | operation | billed requests | WRU | RRU |")
    print("|---|---|---|---:|---:|---:|")
    for (who, service, op), (v, wru, rru) in sorted(m["ops"].items()):
        print(f"| {who} | {service} | {op} | {v:.3f} | {wru:.2f} | {rru:.2f} |")
    print(f"\nDynamoDB: **{m['wru']:.2f} WRU** and **{m['rru']:.2f} RRU** per {m['unit']}.")
    if m["s3"]:
        s3 = m["s3"]
        print(f"S3: **{s3.get('put', 0):.2f}** PUT/COPY/POST/LIST, **{s3.get('get', 0):.2f}** GET/HEAD "
              f"and {s3.get('free', 0):.2f} free (DELETE/abort) requests per {m['unit']}; "
              f"{s3.get('bytes', 0) / 1024:.0f} KiB stored per {m['unit']}.")
    if m["deliveries"]:
        print("Rule deliveries (each an SQS SendMessage to a rule's queue) per " + m["unit"] + ": "
              + ", ".join(f"{who} {n:.3f}" for who, n in sorted(m["deliveries"].items())) + ".")
    if m["errors"]:
        failed = ", ".join(f"{op} {err} ×{n}" for (_, op, err), n in sorted(m["errors"].items()))
        print(f"Refused requests (still billed): {failed}.")
    print("\n| function | invocations per " + m["unit"] + " | MB | CPU ms / inv. | assumed AWS ms / inv. "
          "| billed ms / inv. | log bytes per " + m["unit"] + " |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for f, d in m["lambda"].items():
        print(f"| {f} | {d['invocations_per_unit']:.3f} | {d['memory_mb']} | {d['cpu_ms_per_invocation']:.2f} "
              f"| {d['assumed_aws_ms_per_invocation']:.1f} | {d['billed_ms_per_invocation']:.0f} "
              f"| {d['log_bytes_per_unit']:.0f} |")
    print(f"\n| line item | $ per million ({m['unit']}) |")
    print("|---|---:|")
    total = 0.0
    for k, v in sorted(m["per_million"].items(), key=lambda kv: -kv[1]):
        total += v
        print(f"| {k} | {v:.3f} |")
    print(f"| **total** | **{total:.2f}** |\n")
    print(f"| function | $ per million ({m['unit']}) |")
    print("|---|---:|")
    for k, v in sorted(m["per_million_by_function"].items(), key=lambda kv: -kv[1]):
        print(f"| {'lambda (event-source mapping)' if k == 'esm' else k} | {v:.3f} |")
    print()
    print_against_floor(m)


def figure(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


def verdict(measured: float | None, target: float | None, money: bool = False) -> str:
    if target is None or measured is None:
        return ""
    bound = f"${target:.2f}" if money else f"{target:g}"
    return f"≤ {bound}: " + ("met" if measured <= target + 1e-9 else "missed")


def print_against_floor(m: dict) -> None:
    endpoints = ("; FunctionUrl: the same requests without the HTTP API's request charge"
                 if "$ per million, FunctionUrl" in m["floor"] else "")
    print(f"Against the floor (each fact written once, nothing read, the other lines as measured{endpoints}):\n")
    print(f"| per {m['unit']} | measured | floor | target |")
    print("|---|---:|---:|---|")
    for name, (measured, floor, target) in m["floor"].items():
        print(f"| {name} | {measured:.2f} | {figure(floor)} | {verdict(measured, target, name.startswith('$'))} |")
    print()


def print_summary(models: list[dict]) -> None:
    """Every scenario's measurement (floor in brackets) and its targets."""
    print("### Every scenario against its floor\n")
    print("Measured, and in brackets the floor: each fact written once, nothing read, the other "
          "lines as measured. FunctionUrl: the same requests without the HTTP API's request charge "
          "(a scenario that does not pass the webhook costs the same with either).\n")
    print("| scenario (per unit) | WRU | WRU target | RRU | $ per million, HttpApi | $ per million, FunctionUrl "
          "| $ target |")
    print("|---|---:|---|---:|---:|---:|---|")
    both = lambda v: f"{figure(v[0])} ({figure(v[1])})"  # noqa: E731
    for m in models:
        f = m["floor"]
        http = f.get("$ per million, HttpApi", f.get("$ per million"))
        url = f.get("$ per million, FunctionUrl", http)
        dollars = verdict(http[0], http[2], True)
        if dollars and url is not http:
            dollars += f" (HttpApi), {verdict(url[0], url[2], True).split(': ')[1]} (FunctionUrl)"
        print(f"| {m['scenario']} ({m['unit']}) | {both(f['WRU'])} | {verdict(f['WRU'][0], f['WRU'][2])} "
              f"| {both(f['RRU'])} | {both(http)} | {both(url)} | {dollars} |")
    print()
