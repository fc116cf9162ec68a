//go:build !race

package zring_test

const raceEnabled = false
