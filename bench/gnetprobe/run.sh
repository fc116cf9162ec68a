#!/bin/sh
# Interleaved side-by-side runs: libzmq's remote_thr / remote_lat (C) send to
# each receiver in turn, ROUNDS times; raw output goes to $OUT, then
# summary.py prints medians. Build first (see README.md).
set -u
ROUNDS=${ROUNDS:-5}
OUT=${OUT:-/tmp/gp/results.txt}
LZ=${LZ:-/tmp/lz} ZT=${ZT:-/tmp/zt} GP=${GP:-/tmp/gp}
port=5700
: >"$OUT"; : >"$OUT.hung"

one() { # label sender size count env... -- receiver
	label=$1 sender=$2 size=$3 count=$4
	shift 4
	port=$((port + 1))
	ep=tcp://127.0.0.1:$port
	# A receiver that has not finished 30 s after start is recorded as HUNG
	# (SIGQUIT: its goroutine dump is kept in $OUT.hung).
	env "$@" $ep $size $count >/tmp/gp/recv.out 2>/tmp/gp/recv.err &
	pid=$!
	sleep 0.3
	timeout 60 $sender $ep $size $count >/tmp/gp/send.out 2>&1
	t=0
	while kill -0 $pid 2>/dev/null && [ $t -lt 300 ]; do sleep 0.1; t=$((t + 1)); done
	hung=
	if kill -0 $pid 2>/dev/null; then
		kill -QUIT $pid; sleep 0.5; hung=1
		{ echo "== $label size=$size"; cat /tmp/gp/recv.err; } >>"$OUT.hung"
	fi
	wait $pid
	{
		echo "== $label size=$size count=$count"
		[ -n "$hung" ] && echo "HUNG"
		cat /tmp/gp/recv.out /tmp/gp/send.out
	} >>"$OUT"
}

thr() { # size count
	one "thr zring" $LZ/remote_thr $1 $2 $ZT/local_thr
	one "thr gnet-loop-single" $LZ/remote_thr $1 $2 $GP/gnet_local_thr
	one "thr gnet-loop-multi" $LZ/remote_thr $1 $2 GNETPROBE_MULTICORE=1 $GP/gnet_local_thr
	one "thr gnet-pipe-single" $LZ/remote_thr $1 $2 GNETPROBE_MODE=pipe $GP/gnet_local_thr
	one "thr gnet-pipe-multi" $LZ/remote_thr $1 $2 GNETPROBE_MODE=pipe GNETPROBE_MULTICORE=1 $GP/gnet_local_thr
	one "thr libzmq" $LZ/remote_thr $1 $2 $LZ/local_thr
}

lat() { # size count
	one "lat zring" $LZ/remote_lat $1 $2 $ZT/local_lat
	one "lat gnet-loop-single" $LZ/remote_lat $1 $2 $GP/gnet_local_lat
	one "lat gnet-loop-multi" $LZ/remote_lat $1 $2 GNETPROBE_MULTICORE=1 $GP/gnet_local_lat
	one "lat gnet-loop-writev" $LZ/remote_lat $1 $2 GNETPROBE_WRITE=writev $GP/gnet_local_lat
	one "lat gnet-pipe-single" $LZ/remote_lat $1 $2 GNETPROBE_MODE=pipe $GP/gnet_local_lat
	one "lat gnet-pipe-multi" $LZ/remote_lat $1 $2 GNETPROBE_MODE=pipe GNETPROBE_MULTICORE=1 $GP/gnet_local_lat
	one "lat libzmq" $LZ/remote_lat $1 $2 $LZ/local_lat
}

r=0
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	echo "round $r" >&2
	thr 8 2000000
	thr 64 2000000
	thr 65536 20000
	lat 64 20000
done
python3 "$(dirname "$0")/summary.py" "$OUT"
