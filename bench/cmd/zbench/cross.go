package main

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// A crossResult is one run of a zring tool against a libzmq tool: the proof
// that both ends speak the same ZMTP, with the numbers as a bonus.
type crossResult struct {
	name    string
	status  string // "ok", "failed", "timeout", "skipped"
	summary string
}

// crossTimeout bounds one interop run; the counts are small, so a run that
// takes longer than this has hung.
const crossTimeout = 30 * time.Second

// runCrossPairs pairs zring's tools with libzmq's, in both directions, for
// PUSH→PULL with short (64 B) and long (64 KiB: ZMTP's 8-byte length) frames
// and for REQ↔REP, under each mechanism of the run; with NULL, for the
// fan-out too. Under PLAIN and CURVE the pairs prove that both sides'
// fixed credentials, keys and ZAP handlers agree on the wire.
func runCrossPairs(ctx context.Context, impls []*impl, o options) []crossResult {
	var libzmq, zring *impl
	for _, im := range impls {
		switch im.name {
		case "libzmq":
			libzmq = im
		case "zring":
			zring = im
		}
	}
	// A pair is a case run with zring's tools for some of its roles and
	// libzmq's for the others: by[i] runs role i of c.roles().
	type pair struct {
		c  benchCase
		by []*impl
	}
	thrShort := benchCase{kind: throughput, size: 64, count: 100_000}
	thrLong := benchCase{kind: throughput, size: 64 << 10, count: 2_000}
	lat := benchCase{kind: latency, size: 64, count: 1_000}
	fan := benchCase{kind: fanout, size: 64, count: 200, subs: 1000}
	// Through a ROUTER/DEALER proxy, libzmq's ends with zring's proxy and
	// zring's with libzmq's: routing ids and REQ's envelope both ways.
	latProxy := benchCase{kind: latency, size: 64, count: 1_000, proxy: true}
	var pairs []pair
	for _, m := range allMechanisms {
		if !containsMechanism(o.mechs, m) {
			continue
		}
		under := func(c benchCase) benchCase { c.mech = m; return c }
		pairs = append(pairs,
			pair{under(thrShort), []*impl{libzmq, zring}},
			pair{under(thrShort), []*impl{zring, libzmq}},
			pair{under(thrLong), []*impl{libzmq, zring}},
			pair{under(thrLong), []*impl{zring, libzmq}},
			pair{under(lat), []*impl{zring, libzmq}},
			pair{under(lat), []*impl{libzmq, zring}})
		if m == mechNull {
			pairs = append(pairs,
				pair{fan, []*impl{zring, libzmq}},
				pair{fan, []*impl{libzmq, zring}},
				pair{latProxy, []*impl{libzmq, zring, libzmq}},
				pair{latProxy, []*impl{zring, libzmq, zring}})
		}
	}
	var results []crossResult
	for _, p := range pairs {
		if ctx.Err() != nil {
			break
		}
		name := crossName(p.c, p.by)
		r := crossResult{name: name}
		rs, reporter := p.c.roles()
		cmds := make([][]string, len(rs))
		for i, rl := range rs {
			if p.by[i].ok {
				cmds[i] = p.by[i].command(rl.tool)
			}
		}
		switch {
		case !libzmq.ok || !zring.ok:
			r.status = "skipped"
			for _, im := range []*impl{zring, libzmq} {
				if !im.ok {
					r.summary = im.name + " " + im.status // "zring not run", "zring skipped"
					break
				}
			}
		case slices.ContainsFunc(cmds, func(c []string) bool { return c == nil }):
			r.status = "skipped"
			r.summary = "no proxy tool" // zring's, from an older -zring-bin
		default:
			out := runTools(ctx, p.c, cmds, reporter, min(o.timeout, crossTimeout), o.verbose)
			r.status = out.status.String()
			switch {
			case out.status != statusOK:
				r.summary = out.detail
			case p.c.kind != latency:
				r.summary = thousands(out.metrics[keyMsgs]) + " msg/s"
			default:
				r.summary = fmt.Sprintf("p50 %s µs", latencyText(out.metrics[keyP50]))
			}
			logf("interop  %s: %s: %s", name, r.status, r.summary)
		}
		results = append(results, r)
	}
	return results
}

// crossName names an interop pair: "zring remote_thr → libzmq local_thr,
// 64 B × 100,000", "libzmq remote_lat ↔ zring proxy (ROUTER/DEALER) ↔
// libzmq local_lat, 64 B × 1,000 round trips"; by runs c's roles.
func crossName(c benchCase, by []*impl) string {
	rs, _ := c.roles()
	server, client := by[0], by[len(by)-1]
	srvTool, cliTool := rs[0].tool, rs[len(rs)-1].tool
	var name string
	if c.kind == fanout {
		name = fmt.Sprintf("%s %s → %s × %s %s, %s × %s", server.name, srvTool, thousands(float64(c.subs)),
			client.name, cliTool, sizeLabel(c.size), thousands(float64(c.count)))
	} else {
		arrow, unit := " → ", ""
		if c.kind == latency {
			arrow, unit = " ↔ ", " round trips"
		}
		path := fmt.Sprintf("%s %s", client.name, cliTool)
		if c.proxy {
			path += fmt.Sprintf("%s%s proxy (%s)", arrow, by[1].name, c.proxySockets())
		}
		path += fmt.Sprintf("%s%s %s", arrow, server.name, srvTool)
		name = fmt.Sprintf("%s, %s × %s%s", path, sizeLabel(c.size), thousands(float64(c.count)), unit)
	}
	if c.mech != mechNull {
		name = c.mech.title() + ": " + name
	}
	return name
}
