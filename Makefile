# The project's verbs. `make test` and `make bench` install what they need
# (libzmq3-dev for the interop tests and libzmq's side of the benchmarks;
# JeroMQ 0.3.6 and a JDK for the interop tests against a ZMTP 2.0 peer).

GO        ?= go
FUZZTIME  ?= 20s
RACE      ?= -race

.PHONY: all test unit interop torture torture-short bench bench-quick fuzz lint deps cross

all: test

deps:
	@if [ ! -f /usr/include/zmq.h ] || ! command -v gcc >/dev/null || ! command -v pkg-config >/dev/null; then \
		echo "installing libzmq3-dev, gcc and pkg-config"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libzmq3-dev gcc pkg-config >/dev/null; \
	fi
	@if [ ! -f /usr/share/java/jeromq.jar ] || ! command -v javac >/dev/null || ! command -v java >/dev/null; then \
		echo "installing libjeromq-java and default-jdk-headless (interop/jeromq_test.go)"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libjeromq-java default-jdk-headless >/dev/null; \
	fi
	@if ! /usr/bin/python3 -c 'import zmq' 2>/dev/null || ! command -v iptables >/dev/null || ! command -v ip >/dev/null; then \
		echo "installing python3-zmq, iptables and iproute2 (torture: libzmq's figures, faults)"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-zmq iptables iproute2 >/dev/null; \
	fi

test: deps lint cross unit interop torture-short

# Every package builds for the other systems Go serves (Windows on the conn
# backend, the BSDs and macOS on netpoll), so that a change cannot quietly
# make zring Linux-only. torture is Linux-only by its build tags.
cross:
	GOOS=windows GOARCH=amd64 $(GO) build ./...
	GOOS=darwin GOARCH=arm64 $(GO) build ./...
	GOOS=freebsd GOARCH=amd64 $(GO) build ./...

# make torture: every reliability scenario (issue 12) in separate processes, zring and
# libzmq (through pyzmq) side by side, and RELIABILITY.md from the results. As root it
# also runs the scenarios that make their own network namespaces and firewall rules.
# torture-short: zring's short form of each, part of make test.
torture: deps
	$(GO) run ./torture -md RELIABILITY.md

torture-short: deps
	$(GO) run ./torture -short -impl zring

unit:
	$(GO) test $(RACE) -count=1 -timeout 10m ./...
	@echo "== again on the epoll and io_uring backends (the default is netpoll), without spinning, and with sends and receives going through the loops"
	ZRING_BACKEND=epoll $(GO) test $(RACE) -count=1 -timeout 10m . ./internal/sockets
	ZRING_BACKEND=uring $(GO) test $(RACE) -count=1 -timeout 10m . ./internal/sockets
	ZRING_SPIN=0 $(GO) test $(RACE) -count=1 -timeout 10m . ./internal/sockets
	ZRING_CONNWAIT=0 ZRING_CONNSEND=0 $(GO) test $(RACE) -count=1 -timeout 10m . ./internal/sockets
	@echo "== the conn backend (Windows' only one, on package net) on Linux: its own tests, and the root tests of every pattern, transport, mechanism, linger and heartbeat (a third of the suite, for make test's time)"
	ZRING_BACKEND=conn $(GO) test $(RACE) -count=1 -timeout 10m ./internal/loop
	ZRING_BACKEND=conn $(GO) test $(RACE) -count=1 -timeout 10m -run 'Smoke|PubSub|DealerRouter|ReqRep|Linger|Heartbeat|Plain|Curve|Proxy|Context|Stream|Reconnect|Pair|Metadata|Monitor|HWM' .

interop: deps
	cd interop && $(GO) vet ./... && $(GO) test $(RACE) -count=1 -timeout 10m ./...
	@echo "== the interop tests again with sends and receives through the loops (the default does both on the connection)"
	cd interop && ZRING_CONNWAIT=0 ZRING_CONNSEND=0 $(GO) test $(RACE) -count=1 -timeout 10m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# make bench: six zbench passes, about 12.5 minutes on 2 vCPUs (13.5 if loaded runs take
# twice as long as idle ones; the budget is 15). Every pass runs its cases idle and
# loaded (one busy-loop process taking a core, started and killed by zbench), 3
# interleaved repetitions each:
#   default   everything, with inproc and the floor (bench/floor): ~5 min, the goals' figures
#   epoll     the same tcp cases at half the counts (-scale 0.5): ~1.6 min
#   io_uring  likewise: ~1.6 min
#   no spin   latency only (-cases lat): spinning is a latency knob, and a loaded box is
#             where it costs the peer its CPU: ~0.8 min
#   spin 200  likewise: ~0.6 min
#   security  PLAIN and CURVE (issue 11: tcp throughput 64 B, 1 KiB, 64 KiB, latency 64 B),
#             libzmq and zring, 0.4 of the counts (-scale 0.4): ~2.3 min (2 min 17 s measured)
# Estimates: each pass's counts at the rates of the last make bench in BENCHMARKS.md,
# loaded runs 1.6x as long as idle ones (measured with -quick), per-pass build and interop
# time as measured; see bench/README.md.
bench: deps
	$(GO) run ./bench/cmd/zbench -inproc -conditions idle,loaded -out bench/out/latest.md
	@echo "== zring on the epoll backend (the default above is netpoll), half the counts"
	ZRING_BACKEND=epoll $(GO) run ./bench/cmd/zbench -only libzmq,zring -conditions idle,loaded -scale 0.5 -out bench/out/epoll.md
	@echo "== zring on the io_uring backend, half the counts"
	ZRING_BACKEND=uring $(GO) run ./bench/cmd/zbench -only libzmq,zring -conditions idle,loaded -scale 0.5 -out bench/out/uring.md
	@echo "== zring without spinning (ZRING_SPIN=0; the default spins up to 50us), latency only"
	ZRING_SPIN=0 $(GO) run ./bench/cmd/zbench -only libzmq,zring -conditions idle,loaded -cases lat -out bench/out/nospin.md
	@echo "== zring spinning longer, as on a dedicated latency box (ZRING_SPIN=200us), latency only"
	ZRING_SPIN=200us $(GO) run ./bench/cmd/zbench -only libzmq,zring -conditions idle,loaded -cases lat -out bench/out/spin200.md
	@echo "== PLAIN and CURVE beside libzmq's (issue 11): throughput 64 B, 1 KiB, 64 KiB and latency 64 B, 0.4 of the counts"
	$(GO) run ./bench/cmd/zbench -only libzmq,zring -mechanisms plain,curve -conditions idle,loaded -scale 0.4 -out bench/out/security.md
	@echo "== charts for BENCHMARKS.md from the default and security passes' results (bench/chart, a module of its own: gonum/plot stays out of go.mod)"
	cd bench/chart && $(GO) run . -out ../out ../out/latest.json ../out/security.json

bench-quick: deps
	$(GO) run ./bench/cmd/zbench -quick

# Every fuzzer of the module, FUZZTIME each: go test -fuzz takes one
# package and one target at a time.
fuzz:
	@for pkg in $$($(GO) list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./...); do \
		targets=$$($(GO) test -list '^Fuzz' $$pkg) || exit 1; \
		for f in $$(echo "$$targets" | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done
