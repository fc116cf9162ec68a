# The project's verbs. `make test` and `make bench` install what they need
# (libzmq3-dev for the interop tests and libzmq's side of the benchmarks).

GO        ?= go
FUZZTIME  ?= 20s
RACE      ?= -race

.PHONY: all test unit interop bench bench-quick fuzz lint deps

all: test

deps:
	@if [ ! -f /usr/include/zmq.h ] || ! command -v gcc >/dev/null || ! command -v pkg-config >/dev/null; then \
		echo "installing libzmq3-dev, gcc and pkg-config"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libzmq3-dev gcc pkg-config >/dev/null; \
	fi

test: deps lint unit interop

unit:
	$(GO) test $(RACE) -count=1 -timeout 10m ./...
	@echo "== again on the epoll and io_uring backends (the default is netpoll), and without spinning"
	ZRING_BACKEND=epoll $(GO) test $(RACE) -count=1 -timeout 10m . ./sockets
	ZRING_BACKEND=uring $(GO) test $(RACE) -count=1 -timeout 10m . ./sockets
	ZRING_SPIN=0 $(GO) test $(RACE) -count=1 -timeout 10m . ./sockets

interop: deps
	cd interop && $(GO) vet ./... && $(GO) test $(RACE) -count=1 -timeout 10m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

bench: deps
	$(GO) run ./bench/cmd/zbench -inproc -out bench/out/latest.md
	@echo "== zring on the epoll backend (the default above is netpoll)"
	ZRING_BACKEND=epoll $(GO) run ./bench/cmd/zbench -only libzmq,zring -out bench/out/epoll.md
	@echo "== zring on the io_uring backend"
	ZRING_BACKEND=uring $(GO) run ./bench/cmd/zbench -only libzmq,zring -out bench/out/uring.md
	@echo "== zring without spinning (ZRING_SPIN=0; the default spins up to 50us)"
	ZRING_SPIN=0 $(GO) run ./bench/cmd/zbench -only libzmq,zring -out bench/out/nospin.md
	@echo "== zring spinning longer, as on a dedicated latency box (ZRING_SPIN=200us)"
	ZRING_SPIN=200us $(GO) run ./bench/cmd/zbench -only libzmq,zring -out bench/out/spin200.md

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
