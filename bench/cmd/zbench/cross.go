package main

import (
	"context"
	"fmt"
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
	type pair struct {
		c                benchCase
		server, client   *impl
		srvTool, cliTool tool
	}
	thrShort := benchCase{kind: throughput, size: 64, count: 100_000}
	thrLong := benchCase{kind: throughput, size: 64 << 10, count: 2_000}
	lat := benchCase{kind: latency, size: 64, count: 1_000}
	fan := benchCase{kind: fanout, size: 64, count: 200, subs: 1000}
	var pairs []pair
	for _, m := range allMechanisms {
		if !containsMechanism(o.mechs, m) {
			continue
		}
		under := func(c benchCase) benchCase { c.mech = m; return c }
		pairs = append(pairs,
			pair{under(thrShort), libzmq, zring, localThr, remoteThr},
			pair{under(thrShort), zring, libzmq, localThr, remoteThr},
			pair{under(thrLong), libzmq, zring, localThr, remoteThr},
			pair{under(thrLong), zring, libzmq, localThr, remoteThr},
			pair{under(lat), zring, libzmq, localLat, remoteLat},
			pair{under(lat), libzmq, zring, localLat, remoteLat})
		if m == mechNull {
			pairs = append(pairs,
				pair{fan, zring, libzmq, fanoutPub, fanoutSub},
				pair{fan, libzmq, zring, fanoutPub, fanoutSub})
		}
	}
	var results []crossResult
	for _, p := range pairs {
		if ctx.Err() != nil {
			break
		}
		var name string
		switch p.c.kind {
		case throughput:
			name = fmt.Sprintf("%s %s → %s %s, %s × %s", p.client.name, p.cliTool, p.server.name, p.srvTool,
				sizeLabel(p.c.size), thousands(float64(p.c.count)))
		case fanout:
			name = fmt.Sprintf("%s %s → %s × %s %s, %s × %s", p.server.name, p.srvTool, thousands(float64(p.c.subs)),
				p.client.name, p.cliTool, sizeLabel(p.c.size), thousands(float64(p.c.count)))
		default:
			name = fmt.Sprintf("%s %s ↔ %s %s, %s × %s round trips", p.client.name, p.cliTool, p.server.name, p.srvTool,
				sizeLabel(p.c.size), thousands(float64(p.c.count)))
		}
		if p.c.mech != mechNull {
			name = p.c.mech.title() + ": " + name
		}
		r := crossResult{name: name}
		switch {
		case !libzmq.ok || !zring.ok:
			r.status = "skipped"
			for _, im := range []*impl{zring, libzmq} {
				if !im.ok {
					r.summary = im.name + " " + im.status // "zring not run", "zring skipped"
					break
				}
			}
		default:
			_, reporter := p.c.tools()
			cmds := [][]string{p.server.command(p.srvTool), p.client.command(p.cliTool)}
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
