#!/usr/bin/env python3
"""Draws fan-out latency percentiles against subscriber count as an SVG, from result lines (JSONL).

Usage: chart.py OUT.svg RESULTS.jsonl [MORE.jsonl ...] [--title TEXT]
Uses the `fanout` lines whose label ends in `sweep`; one solid line per percentile for reverb-tui and dashed
lines for nio-ceiling when present. No third-party packages: the SVG is written by hand.
"""
import argparse
import json
import math
import sys

COLORS = {"p50": "#2b7bb9", "p95": "#e08a1e", "p99": "#c0392b", "max": "#7f8c8d"}


def load(paths):
    series = {}
    for line in (l for path in paths for l in open(path)):
        if True:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            label = r.get("label", "")
            if r.get("scenario") != "fanout" or not label.endswith("sweep"):
                continue
            server = label.split()[0]
            series.setdefault(server, {})[r["subscribers"]] = r["latency_us"]
    return series


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("results", nargs="+")
    p.add_argument("--title", default="Fan-out latency vs subscribers (10 broadcasts/s, loopback, 2 cores)")
    a = p.parse_args()
    series = load(a.results)
    if not series:
        print("no sweep lines found", file=sys.stderr)
        return 1
    xs = sorted({n for s in series.values() for n in s})
    values_ms = [v[k] / 1000 for s in series.values() for v in s.values() for k in ("p50", "p95", "p99")]
    ybottom = 10 ** math.floor(math.log10(max(0.1, min(values_ms))))
    ytop = 10 ** math.ceil(math.log10(max(values_ms)))
    W, H, L, R, T, B = 760, 440, 70, 170, 50, 60
    pw, ph = W - L - R, H - T - B

    def px(n):
        lo, hi = math.log10(xs[0]), math.log10(xs[-1])
        return L + (0.5 if hi == lo else (math.log10(n) - lo) / (hi - lo)) * pw

    def py(ms):
        lo, hi = math.log10(ybottom), math.log10(ytop)
        return T + ph - (math.log10(max(ms, ybottom)) - lo) / (hi - lo) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="24" text-anchor="middle" font-size="14">{a.title}</text>']
    decade = ybottom
    ticks = []
    while decade <= ytop * 1.0001:
        ticks.append(decade)
        decade *= 10
    for v in ticks:
        y = py(v)
        out.append(f'<line x1="{L}" y1="{y:.1f}" x2="{L + pw}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L - 8}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    for n in xs:
        x = px(n)
        out.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{T + ph}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{T + ph + 18}" text-anchor="middle">{n:,}</text>')
    out.append(f'<rect x="{L}" y="{T}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>')
    if ybottom <= 10 <= ytop:
        out.append(f'<line x1="{L}" y1="{py(10):.1f}" x2="{L + pw}" y2="{py(10):.1f}" stroke="#27ae60" '
                   'stroke-width="1.5" stroke-dasharray="2 3"/>')
        out.append(f'<text x="{L + 6}" y="{py(10) - 5:.1f}" fill="#27ae60">p99 target 10 ms</text>')
    out.append(f'<text x="{L + pw / 2}" y="{H - 18}" text-anchor="middle">subscribers on one channel (log scale)</text>')
    out.append(f'<text x="18" y="{T + ph / 2}" text-anchor="middle" transform="rotate(-90 18 {T + ph / 2})">'
               'end-to-end latency (ms, log scale)</text>')
    legend_y = T + 10
    for server, dash in (("reverb-tui", ""), ("nio-ceiling", ' stroke-dasharray="6 4"')):
        if server not in series:
            continue
        points = series[server]
        for key in ("p50", "p95", "p99"):
            coords = " ".join(f"{px(n):.1f},{py(points[n][key] / 1000):.1f}" for n in sorted(points))
            out.append(f'<polyline points="{coords}" fill="none" stroke="{COLORS[key]}" stroke-width="2"{dash}/>')
            for n in sorted(points):
                out.append(f'<circle cx="{px(n):.1f}" cy="{py(points[n][key] / 1000):.1f}" r="3" fill="{COLORS[key]}"/>')
            lx = L + pw + 15
            out.append(f'<line x1="{lx}" y1="{legend_y}" x2="{lx + 25}" y2="{legend_y}" stroke="{COLORS[key]}" '
                       f'stroke-width="2"{dash}/>')
            out.append(f'<text x="{lx + 32}" y="{legend_y + 4}">{server} {key}</text>')
            legend_y += 18
    out.append("</svg>")
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
