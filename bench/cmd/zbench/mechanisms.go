package main

import (
	"errors"
	"fmt"
	"strings"
)

// A mechanism is the ZMTP security mechanism of a case's tcp connections.
// The perf tools of libzmq and zring read it from mechanismEnv and hold the
// same fixed credentials and CURVE keys (bench/libzmq/perf_clock.h,
// tools/perf/internal/perf/security.go); the binding tool is the server,
// and for PLAIN it runs a ZAP handler that accepts everyone. The floor has
// no mechanisms.
type mechanism int

const (
	mechNull  mechanism = iota // the zero value: the cases of issue 10
	mechPlain                  // RFC 24: a username and password in the handshake, then NULL's frames
	mechCurve                  // RFC 25/26: every frame encrypted and authenticated
)

// mechanismEnv is the variable the perf tools read; zbench sets it for
// every run, so a value in zbench's own environment changes nothing.
const mechanismEnv = "ZRING_PERF_MECHANISM"

var allMechanisms = []mechanism{mechNull, mechPlain, mechCurve}

// name is the mechanism as -mechanisms and mechanismEnv spell it.
func (m mechanism) name() string {
	switch m {
	case mechPlain:
		return "plain"
	case mechCurve:
		return "curve"
	}
	return "null"
}

// title is the mechanism as ZMTP's greeting and the report spell it.
func (m mechanism) title() string { return strings.ToUpper(m.name()) }

// parseMechanisms reads -mechanisms: a comma-separated list of null, plain
// and curve. The cases run in the order of allMechanisms whatever the
// order here, so the result is only a set.
func parseMechanisms(s string) ([]mechanism, error) {
	var out []mechanism
	for name := range strings.SplitSeq(s, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		found := false
		for _, m := range allMechanisms {
			if m.name() == name {
				found = true
				if !containsMechanism(out, m) {
					out = append(out, m)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown mechanism %q (have null, plain, curve)", name)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("-mechanisms names none (have null, plain, curve)")
	}
	return out, nil
}

func containsMechanism(ms []mechanism, m mechanism) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}
