// Command zring is a ZeroMQ command-line tool: it moves messages between
// standard input and output and a socket of any type, proxies, monitors
// connections, makes CURVE keys and measures throughput and latency. It
// speaks ZMTP 3.1, so its peers may be libzmq, pyzmq, JeroMQ or CZMQ
// programs as well as zring ones.
//
//	go install github.com/zring/zring/cmd/zring@latest
//
// Usage:
//
//	zring pub|sub|push|pull|req|rep|dealer|router|pair|xpub|xsub|stream [flags] ENDPOINT...
//	zring proxy [-front TYPE] [-back TYPE] [-capture ENDPOINT] FRONTEND BACKEND
//	zring monitor [-type TYPE] [-n N] ENDPOINT...
//	zring keygen [-public SECRET]
//	zring perf thr|lat [-size BYTES] [-count N] [-bind ENDPOINT | -connect ENDPOINT | ENDPOINT]
//	zring version
//	zring help [COMMAND]
//
// Every command takes -help, which prints its flags and examples. The exit
// status is 0 on success, 1 when the command fails (stderr says why) and 2
// for a command line it cannot use.
//
// # Endpoints
//
// Endpoints are tcp://host:port, ipc://path and inproc://name. The socket
// commands connect to each endpoint unless -b is given; as in libzmq's and
// CZMQ's tools, "@ENDPOINT" binds that endpoint and ">ENDPOINT" connects it
// (quote ">" from the shell). zring proxy binds unless told ">". When the
// system picks the address of a bind (tcp://127.0.0.1:0, tcp://*:*,
// ipc://*), the address is printed on stderr as "zring: bound ENDPOINT".
//
// # Messages
//
// By default each line of standard input is a message of one frame, sent
// without its newline, and each message received is printed on one line,
// its frames joined by tabs. -sep S splits input lines into frames at S and
// joins received frames with S (router and stream use a tab both ways,
// since their first frame is a routing id). -i and -o choose how frames
// are written: text, hex, base64, or frames, a binary format for exact
// bytes in which each frame is 1 flags byte (1: more frames of the message
// follow; 0: the last), a 4-byte big-endian length and the bytes; -frames
// sets both.
//
// pub and push only send and end at the end of the input; sub and pull
// only print, until interrupted, -n messages or -timeout. req sends a
// line, prints the reply and sends the next; rep prints each request and
// replies with the next input line (-echo sends the request back). dealer,
// router, pair, xpub, xsub and stream send and print at once. router
// prints the routing id of the sender first, and sends each input message
// to the peer whose routing id is its first frame.
//
// Socket options: -identity (ZMQ_ROUTING_ID), -sndhwm, -rcvhwm, -linger,
// -timeout, -subscribe (sub, xsub), -n, -delay, and -v, which prints the
// socket's monitor events on stderr. Unlike libzmq's default, sockets are
// made with ZMQ_IMMEDIATE, so that a message waits for a connection to be
// made instead of being queued for one that may never be: -timeout then
// catches a peer that is not there, and a command does not wait at its end
// for a peer that went away. -immediate=false gives libzmq's behaviour.
//
// # Security
//
// -curve-server with -curve-secretkey makes a CURVE server; a client gives
// the server's public key with -curve-serverkey, and its own key pair with
// -curve-publickey and -curve-secretkey, or gets a new one. -curve-allow
// admits only the clients with the keys given. -plain-server admits the
// user named by -plain-user and -plain-password, which a PLAIN client
// sends. -zap-domain sets ZMQ_ZAP_DOMAIN. Keys are 40 characters of Z85,
// as zring keygen prints them; the secret key and the password may come
// from $ZRING_CURVE_SECRETKEY and $ZRING_PLAIN_PASSWORD instead of the
// command line.
//
// # Examples
//
// A work queue, and a request to an echo server:
//
//	zring pull -b tcp://*:5555 &
//	seq 10 | zring push tcp://localhost:5555
//
//	zring rep -b -echo tcp://*:5556 &
//	echo hello | zring req tcp://localhost:5556
//
// Publish and subscribe, the publisher waiting a second for subscribers:
//
//	zring sub -subscribe weather. tcp://localhost:5557 &
//	printf 'weather.paris 21C\nnews.x y\n' | zring pub -b -delay 1s tcp://*:5557
//
// Multipart messages, in hex:
//
//	zring pull -b -sep '|' -o hex tcp://*:5555 &
//	echo 'header|body' | zring push -sep '|' tcp://localhost:5555
//
// A ROUTER talking to named DEALERs:
//
//	zring router -b tcp://*:5555          # prints "alice<TAB>hi"; type "alice<TAB>hello" to answer
//	zring dealer -identity alice tcp://localhost:5555 <<< hi
//
// CURVE:
//
//	zring keygen > server.keys
//	ZRING_CURVE_SECRETKEY=$(awk '/^secret-key:/ {print $2}' server.keys) \
//	    zring pull -b -curve-server tcp://*:5555 &
//	echo secret | zring push -curve-serverkey "$(awk '/^public-key:/ {print $2}' server.keys)" tcp://localhost:5555
//
// A shared queue and a forwarder, watched:
//
//	zring proxy -front router -back dealer tcp://*:5555 tcp://*:5556
//	zring proxy -front xsub -back xpub -capture tcp://127.0.0.1:5599 tcp://*:5557 tcp://*:5558
//	zring monitor tcp://localhost:5555
//
// Measuring, in one process or two:
//
//	zring perf thr
//	zring perf lat -size 1024
//	zring perf thr -bind tcp://*:5555         # then, elsewhere:
//	zring perf thr -connect tcp://host:5555
//
// An interrupt (Ctrl-C, SIGTERM) ends a command at once with status 0;
// messages it had queued but not sent are dropped. A command that ends
// on its own (end of input, -n) first waits for its queued messages to
// go, as -linger says (by default, as long as that takes, or -timeout).
package main
