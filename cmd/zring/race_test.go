//go:build race

package main

// raceEnabled says the tests run with the race detector, so TestMain
// builds zring with it too: the tool's own goroutines are checked as well.
const raceEnabled = true
