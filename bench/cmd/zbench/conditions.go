package main

import (
	"errors"
	"fmt"
	"strings"
)

// A condition is the state of the machine while the cases run.
type condition string

const (
	// idle: nothing of zbench's runs beside the tools.
	idle condition = "idle"
	// loaded: one process spins on one core for the whole block of runs, as
	// `( while :; do :; done ) &` would on a shared box; users' machines are
	// never idle.
	loaded condition = "loaded"
)

var allConditions = []condition{idle, loaded}

// parseConditions reads -conditions: a comma-separated list of idle and
// loaded, in the order the first repetition runs them.
func parseConditions(s string) ([]condition, error) {
	var out []condition
	for name := range strings.SplitSeq(s, ",") {
		c := condition(strings.TrimSpace(name))
		switch {
		case c == "":
			continue
		case c != idle && c != loaded:
			return nil, fmt.Errorf("unknown condition %q (have idle, loaded)", c)
		case !containsCondition(out, c):
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("-conditions names none (have idle, loaded)")
	}
	return out, nil
}

// reportOrder returns the conditions run in the report's order, idle
// first, whatever order -conditions gave.
func reportOrder(run []condition) []condition {
	var out []condition
	for _, c := range allConditions {
		if containsCondition(run, c) {
			out = append(out, c)
		}
	}
	return out
}

func containsCondition(cs []condition, c condition) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// rotate returns s with its first k%len(s) elements moved to the end: the
// order of repetition k, so that nothing always runs right after the same
// neighbour.
func rotate[T any](s []T, k int) []T {
	if len(s) == 0 {
		return nil
	}
	k %= len(s)
	return append(append([]T(nil), s[k:]...), s[:k]...)
}
