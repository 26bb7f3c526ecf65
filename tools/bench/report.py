#!/usr/bin/python3
"""Turns benchmark results into the tables of docs/benchmarks.md and the SSH-filter plot.

  report.py summary JMH.json        print a table of one JMH run (ns/op, B/op)
  report.py docs [--jmh F] [--lua F] [--e2e F] [--doc docs/benchmarks.md] [--plot docs/img/ssh-filter-cost.png]
                                    rewrite every block between <!-- generated:NAME --> and <!-- /generated:NAME -->
                                    in the doc from the newest results in tools/bench/results/ (or the files given)

Standard library only, except the plot, which needs matplotlib (Debian: python3-matplotlib, run with
/usr/bin/python3); without it the tables are still written and the plot is skipped with a message.
"""
import glob
import json
import os
import re
import statistics
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RESULTS = os.path.join(ROOT, "tools", "bench", "results")
PAYLOADS = ["banner", "banner40", "plain1400"]


def newest(pattern):
    files = sorted(glob.glob(os.path.join(RESULTS, pattern)))
    files = [f for f in files if not f.endswith(".meta.json") and os.path.getsize(f) > 0]
    return files[-1] if files else None


def load_jmh(path):
    """{(short name, params tuple): (ns/op, error, B/op or None)}"""
    out = {}
    with open(path) as f:
        for r in json.load(f):
            name = r["benchmark"].rsplit(".", 2)
            short = name[-2] + "." + name[-1]
            params = tuple(sorted((r.get("params") or {}).items()))
            pm = r["primaryMetric"]
            alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
            out[(short, params)] = (pm["score"], pm["scoreError"], alloc["score"] if alloc else None,
                                    pm["scoreUnit"])
    return out


def fmt_ns(v):
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def fmt_b(v):
    if v is None:
        return "–"
    return "0" if v < 0.5 else f"{v:,.0f}"


def fmt_err(v):
    if v is None or v != v:  # NaN when a single iteration
        return ""
    return f" ± {fmt_ns(v)}"


def ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.{digits}f}×"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def summary(path):
    data = load_jmh(path)
    rows = []
    for (name, params), (score, err, alloc, unit) in sorted(data.items()):
        rows.append([name, ", ".join(f"{k}={v}" for k, v in params) or "", fmt_ns(score) + fmt_err(err), unit,
                     fmt_b(alloc)])
    print(table(["benchmark", "params", "score", "unit", "B/op"], rows))


def get(data, name, **params):
    key = (name, tuple(sorted((k, str(v)) for k, v in params.items())))
    return data.get(key)


def jmh_rows(data, prefix):
    rows = []
    for (name, params), (score, err, alloc, unit) in sorted(data.items()):
        if name.startswith(prefix + "."):
            rows.append([f"`{name.split('.', 1)[1]}`", ", ".join(f"{k}={v}" for k, v in params) or "",
                         fmt_ns(score) + fmt_err(err), fmt_b(alloc)])
    return rows


def ssh_costs(jmh, lua):
    """{contender: [ns for each payload]} for the plot and the SSH table."""
    costs = {}
    if jmh:
        costs["npflua (sandbox, our string library)"] = [
            (get(jmh, "SeedScriptBenchmark.sshFilter", payload=p) or (None,))[0] for p in PAYLOADS]
        costs["LuaJ 3.0.1 stock string library (bare state)"] = [
            (get(jmh, "SeedScriptBenchmark.sshFilterStockLuaJ", payload=p) or (None,))[0] for p in PAYLOADS]
    for interp in ("lua5.4", "luajit"):
        if lua and interp in lua:
            by = {r["payload"]: r["ns_per_frame"] for r in lua[interp]["results"]}
            costs[f"{interp} ({lua[interp]['interpreter']})"] = [by.get(p) for p in PAYLOADS]
    return costs


def ssh_table(costs):
    npf = next(iter(costs.values()), None)
    rows = []
    for who, ns in costs.items():
        rows.append([who] + [f"{fmt_ns(v)} ({ratio(v, n)})" if v is not None else "–" for v, n in zip(ns, npf)])
    return table(["contender", "banner (75 B frame)", "banner40 (94 B)", "plain1400 (1454 B)"], rows) + \
        "\n\nIn parentheses: time relative to npflua (higher is slower)."


def plot(costs, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: matplotlib is missing (apt-get install python3-matplotlib; run with /usr/bin/python3):"
              " plot skipped", file=sys.stderr)
        return False
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    width = 0.8 / max(1, len(costs))
    for i, (who, ns) in enumerate(costs.items()):
        xs = [j + (i - (len(costs) - 1) / 2) * width for j in range(len(PAYLOADS))]
        vals = [v if v is not None else 0 for v in ns]
        bars = ax.bar(xs, vals, width, label=who)
        for b, v in zip(bars, ns):
            if v is not None:
                ax.annotate(f"{v:,.0f}", (b.get_x() + b.get_width() / 2, b.get_height()), ha="center",
                            va="bottom", fontsize=7)
    ax.set_yscale("log")
    ax.set_xticks(range(len(PAYLOADS)))
    ax.set_xticklabels(["banner (75 B frame)", "banner40 (94 B)", "plain1400 (1454 B)"])
    ax.set_ylabel("ns per frame (log scale)")
    ax.set_title("Seed SSH filter cost per frame (lower is better)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path)
    return True


def load_e2e(paths):
    """Each section from the newest file that measured it (e2e.sh --sections can refresh one section)."""
    merged, sources = {}, {}
    for path in paths:
        with open(path) as f:
            d = json.load(f)
        for sec in ("capture", "inline", "offline"):
            if d.get(sec):
                merged[sec] = d[sec]
                sources[sec] = (os.path.relpath(path, ROOT), d.get("meta", {}))
    if not merged:
        return None
    meta = {}
    for sec, (path, m) in sources.items():
        meta[f"{sec}: results"] = f"`{path}`"
        meta[f"{sec}: run"] = ", ".join(f"{k} {v}" for k, v in m.items() if k in ("started", "load_before",
                                                                                    "load_after", "rounds"))
    first = next(iter(sources.values()))[1]
    for k in ("nproc", "cpu_model", "kernel", "trafgen", "tcpdump", "iperf3"):
        if k in first:
            meta[k] = first[k]
    merged["meta"] = meta
    return merged


def median_by(rows, keys, value):
    groups = {}
    for r in rows:
        if r.get(value) is None:
            continue
        groups.setdefault(tuple(r.get(k) for k in keys), []).append(r[value])
    return {k: statistics.median(v) for k, v in groups.items()}


def e2e_sections(e2e):
    out = {}
    cap = [r for r in e2e.get("capture", []) if not r.get("error")]
    if cap:
        for r in cap:
            # older result files have no phase split: their figures are the cold phase's
            r.setdefault("warmup", None)
            r["jit_s"] = (r.get("cpu_threads") or {}).get("jit")
            r["jit_s_steady"] = (r.get("cpu_threads_steady") or {}).get("jit")
        keys = ("tool", "script", "workers", "warmup")
        m = {v: median_by(cap, keys, v) for v in ("cpu_s_per_mframe", "captured_ratio", "drops", "sent", "send_pps",
                                                  "cpu_s_per_mframe_steady", "drops_steady", "jit_s",
                                                  "runq_wait_s", "runq_wait_s_steady", "send_pps_steady")}
        cpu, steady = m["cpu_s_per_mframe"], m["cpu_s_per_mframe_steady"]
        rounds = {}
        for r in cap:
            rounds[tuple(r.get(k) for k in keys)] = rounds.get(tuple(r.get(k) for k in keys), 0) + 1
        base, sbase = cpu.get(("tcpdump", None, 1, None)), steady.get(("tcpdump", None, 1, None))

        def opt(table_, k, f):
            v = table_.get(k)
            return "–" if v is None else f(v)

        for section, with_script in (("e2e-capture", False), ("e2e-capture-ssh", True)):
            rows = []
            for k in sorted(cpu, key=lambda k: (k[0] != "tcpdump", k[0], k[2] or 0, -(k[3] if k[3] is not None else 1))):
                if bool(k[1]) != with_script:
                    continue
                name = k[0] + (f" + {k[1]}" if k[1] else "") + (f" --warmup {k[3]}" if k[3] is not None else "")
                rows.append([name, k[2] or "–", f"{m['sent'].get(k, 0):,.0f}",
                             f"{m['send_pps'].get(k, 0) / 1e6:.2f}",
                             opt(m["captured_ratio"], k, lambda v: f"{100 * v:.1f} %"),
                             opt(m["drops"], k, lambda v: f"{v:,.0f}"), f"{cpu[k]:.3f}", ratio(cpu[k], base),
                             opt(m["jit_s"], k, lambda v: f"{v:.2f}"),
                             opt(m["drops_steady"], k, lambda v: f"{v:,.0f}"),
                             opt(steady, k, lambda v: f"{v:.3f}"),
                             ratio(steady[k], sbase) if steady.get(k) is not None and sbase else "–",
                             opt(m["runq_wait_s"], k, lambda v: f"{v:.2f}"),
                             opt(m["runq_wait_s_steady"], k, lambda v: f"{v:.2f}"), rounds[k]])
            if rows:
                out[section] = table(["capturer", "workers", "frames sent per phase", "sender Mpps",
                                      "captured (cold)", "kernel drops (cold)", "CPU s / Mframe (cold)",
                                      "cold vs tcpdump", "JIT s in cold phase", "kernel drops (steady)",
                                      "CPU s / Mframe (steady)", "steady vs tcpdump", "CPU wait s (cold)",
                                      "CPU wait s (steady)", "rounds"], rows)
    inl = [r for r in e2e.get("inline", []) if not r.get("error")]
    if inl:
        mbps = median_by(inl, ("path",), "mbps")
        base = mbps.get(("kernel-bridge",))
        plain = mbps.get(("npflua",))
        bcpu = median_by(inl, ("path",), "bridge_cpu_s")
        rows = [[k[0], f"{v:,.0f}", ratio(v, base), ratio(v, plain),
                 f"{bcpu[k]:.2f}" if bcpu.get(k) is not None else "–"] for k, v in sorted(mbps.items())]
        out["e2e-inline"] = table(["path", "iperf3 TCP Mbit/s (median)", "vs kernel bridge", "vs npflua without script",
                                   "bridge process CPU s per 5 s run"], rows)
    off = [r for r in e2e.get("offline", []) if not r.get("error")]
    if off:
        ns = median_by(off, ("tool",), "ns_per_frame")
        cpu = median_by(off, ("tool",), "cpu_ns_per_frame")
        base, cbase = ns.get(("lua5.4",)), cpu.get(("lua5.4",))
        rows = [[k[0], f"{v:,.0f}", ratio(base, v, 1) if base else "–",
                 f"{cpu[k]:,.0f}" if k in cpu else "–", ratio(cbase, cpu.get(k), 1) if cbase else "–"]
                for k, v in sorted(ns.items())]
        out["e2e-offline"] = table(["runner", "ns per frame, as reported (median)", "speed-up vs lua5.4",
                                    "CPU ns per frame (median)", "CPU speed-up vs lua5.4"], rows)
    errors = [f"- {sec} {r.get('tool') or r.get('path')}: {r['error']}" for sec in ("capture", "inline", "offline")
              for r in e2e.get(sec, []) if r.get("error")]
    if errors:
        out["e2e-errors"] = "Not measured in this run:\n\n" + "\n".join(sorted(set(errors)))
    else:
        out["e2e-errors"] = "Every contender ran."
    meta = e2e.get("meta", {})
    out["e2e-meta"] = "\n".join(f"- {k}: {v}" for k, v in meta.items())
    return out


def targets(jmh, e2e):
    def ns(name, **p):
        v = get(jmh, name, **p) if jmh else None
        return v[0] if v else None

    def b(name, **p):
        v = get(jmh, name, **p) if jmh else None
        return v[2] if v else None

    rows = []
    banner, plain = ns("SeedScriptBenchmark.sshFilter", payload="banner"), ns("SeedScriptBenchmark.sshFilter",
                                                                             payload="plain1400")
    rtp, rtpb = ns("SeedScriptBenchmark.rtpFilter", payload="banner"), b("SeedScriptBenchmark.rtpFilter",
                                                                          payload="banner")

    def verdict(ok):
        return "–" if ok is None else ("met" if ok else "**missed**")

    rows.append(["SSH filter, banner frame", "≤ 100 ns", f"{fmt_ns(banner)} ns" if banner else "–",
                 verdict(None if banner is None else banner <= 100)])
    rows.append(["SSH filter, 1400-byte frame", "≤ 1 µs", f"{fmt_ns(plain)} ns" if plain else "–",
                 verdict(None if plain is None else plain <= 1000)])
    rows.append(["RTP filter", "≤ 60 ns, 0 B/op", f"{fmt_ns(rtp)} ns, {fmt_b(rtpb)} B/op" if rtp else "–",
                 verdict(None if rtp is None else rtp <= 60 and (rtpb or 0) < 0.5)])
    sec = e2e_sections(e2e) if e2e else {}
    cap = [r for r in (e2e or {}).get("capture", []) if not r.get("error")]
    keys = ("tool", "script", "workers", "warmup")
    for r in cap:
        r.setdefault("warmup", None)
    cpu = median_by(cap, keys, "cpu_s_per_mframe")
    cpus = median_by(cap, keys, "cpu_s_per_mframe_steady")
    drops = median_by(cap, keys, "drops")
    dropss = median_by(cap, keys, "drops_steady")
    t, n1 = cpu.get(("tcpdump", None, 1, None)), cpu.get(("npflua", None, 1, None))
    ts, n1s = cpus.get(("tcpdump", None, 1, None)), cpus.get(("npflua", None, 1, None))
    got = f"{ratio(n1, t)} cold (from the ready line)" if n1 and t else "not measured"
    if n1s and ts:
        got += f"; {ratio(n1s, ts)} steady (warm process)"
    rows.append(["capture CPU per frame (npflua 1 worker, no script)", "≤ 0.8× tcpdump", got,
                 verdict(None if not (n1 and t) else n1 / t <= 0.8)])
    d, ds = drops.get(("npflua", "ssh-version.lua", 2, None)), dropss.get(("npflua", "ssh-version.lua", 2, None))
    got = f"{d:,.0f} cold" if d is not None else "not measured"
    if ds is not None:
        got += f"; {ds:,.0f} steady"
    rows.append(["kernel drops, SSH script, 2 workers, sender's top rate", "0", got,
                 verdict(None if d is None else d == 0 and not ds)])
    inl = median_by([r for r in (e2e or {}).get("inline", []) if not r.get("error")], ("path",), "mbps")
    a, s = inl.get(("npflua",)), inl.get(("npflua+ssh",))
    rows.append(["inline throughput with SSH script", "≥ 0.97× without", ratio(s, a) if a and s else "not measured",
                 verdict(None if not (a and s) else s / a >= 0.97)])
    offrows = [r for r in (e2e or {}).get("offline", []) if not r.get("error")]
    off = median_by(offrows, ("tool",), "ns_per_frame")
    offc = median_by(offrows, ("tool",), "cpu_ns_per_frame")
    r5, rn = off.get(("lua5.4",)), off.get(("npflua replay",))
    c5, cn = offc.get(("lua5.4",)), offc.get(("npflua replay",))
    got = f"{r5 / rn:.2f}× (replay's wall-clock figure)" if r5 and rn else "not measured"
    if c5 and cn:
        got += f"; {c5 / cn:.2f}× on CPU time, JVM start-up included"
    rows.append(["`replay` vs lua5.4 per frame", "≥ 5× faster", got,
                 verdict(None if not (r5 and rn) else max(r5 / rn, (c5 / cn) if c5 and cn else 0) >= 5)])
    return table(["target", "goal", "measured", "status"], rows)


def replace_block(doc, name, body):
    pat = re.compile(r"(<!-- generated:%s -->\n)(?:.*?\n)?(<!-- /generated:%s -->)" % (re.escape(name),
                                                                                     re.escape(name)), re.S)
    if not pat.search(doc):
        print(f"report: no block '{name}' in the doc; skipped", file=sys.stderr)
        return doc
    return pat.sub(lambda m: m.group(1) + body + "\n" + m.group(2), doc)


def docs(args):
    opts = {"--jmh": None, "--lua": None, "--e2e": None, "--doc": os.path.join(ROOT, "docs", "benchmarks.md"),
            "--plot": os.path.join(ROOT, "docs", "img", "ssh-filter-cost.png")}
    it = iter(args)
    for a in it:
        if a not in opts:
            sys.exit(f"report: unknown option {a}\n{__doc__}")
        opts[a] = next(it)
    jmh_path = opts["--jmh"] or newest("jmh-*.json")
    lua_path = opts["--lua"] or newest("lua-*.json")
    e2e_path = opts["--e2e"] or newest("e2e-*.json")
    jmh = load_jmh(jmh_path) if jmh_path else None
    lua = json.load(open(lua_path)) if lua_path else None
    e2e = load_e2e([e2e_path] if opts["--e2e"] else sorted(glob.glob(os.path.join(RESULTS, "e2e-*.json"))))
    blocks = {}
    if jmh:
        meta_path = jmh_path[:-5] + ".meta.json"
        if os.path.exists(meta_path):
            meta = json.load(open(meta_path))
            blocks["jmh-meta"] = "\n".join(f"- {k}: `{v}`" if k == "command" else f"- {k}: {v}"
                                           for k, v in meta.items()) + \
                f"\n- results: `{os.path.relpath(jmh_path, ROOT)}`"
        header = ["benchmark", "params", "ns/op", "B/op"]
        for cls, name in (("RingBenchmark", "jmh-ring"), ("DataBenchmark", "jmh-data"),
                          ("ScriptBenchmark", "jmh-script"), ("SeedScriptBenchmark", "jmh-seed"),
                          ("EngineBenchmark", "jmh-engine"), ("AdapterBenchmark", "jmh-adapter"),
                          ("PcapBenchmark", "jmh-pcap")):
            rows = jmh_rows(jmh, cls)
            if rows:
                blocks[name] = table(header, rows)
        mrows = []
        for case in ("sshBanner", "ssh1400", "balanced", "gsub"):
            o, s = get(jmh, f"MatcherBenchmark.{case}Ours"), get(jmh, f"MatcherBenchmark.{case}Stock")
            if o or s:
                mrows.append([case, fmt_ns(o[0]) if o else "–", fmt_b(o[2]) if o else "–",
                              fmt_ns(s[0]) if s else "–", fmt_b(s[2]) if s else "–",
                              ratio(s[0], o[0]) if o and s else "–"])
        for case in ("sshBannerSegmentOurs", "ssh1400SegmentOurs", "ssh64kRandomSegmentOurs", "ssh64kZeroSegmentOurs"):
            o = get(jmh, f"MatcherBenchmark.{case}")
            if o:
                mrows.append([case + " (over native memory)", fmt_ns(o[0]), fmt_b(o[2]), "–", "–", "–"])
        if mrows:
            blocks["jmh-matcher"] = table(["case", "ours ns/op", "ours B/op", "stock LuaJ ns/op", "stock B/op",
                                           "stock / ours"], mrows)
    costs = ssh_costs(jmh, lua)
    if costs:
        blocks["ssh-cost"] = ssh_table(costs) + (f"\n\nLua harness: `{os.path.relpath(lua_path, ROOT)}`"
                                                 if lua_path else "")
        if plot(costs, opts["--plot"]):
            print(f"report: wrote {os.path.relpath(opts['--plot'], ROOT)}", file=sys.stderr)
    if e2e:
        blocks.update(e2e_sections(e2e))
    blocks["targets"] = targets(jmh, e2e)
    with open(opts["--doc"]) as f:
        doc = f.read()
    for name, body in blocks.items():
        doc = replace_block(doc, name, body)
    with open(opts["--doc"], "w") as f:
        f.write(doc)
    print(f"report: {os.path.relpath(opts['--doc'], ROOT)} from {jmh_path}, {lua_path}, {e2e_path}",
          file=sys.stderr)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    elif len(sys.argv) >= 2 and sys.argv[1] == "docs":
        docs(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
