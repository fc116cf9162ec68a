// Command transcript captures the golden PLAIN and CURVE handshakes of
// zmtp/testdata: a real libzmq 4.3.4 socket on one end of a TCP connection,
// zmtp.Handshake on the other, every read and write recorded in hex.
//
//	cd interop && go run ./cmd/transcript -out ../zmtp/testdata
//
// Our side draws its CURVE randomness from a ChaCha8 stream with a fixed
// seed (zmtp.Config.Rand) and uses fixed long-term keys, so zmtp's golden
// test can replay libzmq's bytes and must produce ours byte for byte. The
// seed, the keys and the credentials here are the ones
// zmtp/golden_test.go uses; change them together.
//
// Four captures, one file each: libzmq as the PLAIN and CURVE client (a
// PUSH that connects and sends "hello") to our server (a PULL that answers
// ZAP with 200 and User-Id "golden"), and libzmq as the PLAIN and CURVE
// server (a PUSH that binds and sends "hello"; a ZAP handler in this
// process answers 200 and User-Id "golden") to our client (a PULL).
package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring/internal/zmtp"
)

// The fixed material both this tool and zmtp/golden_test.go use.
var (
	seed         = [32]byte([]byte("zring golden transcript seed 001"))
	serverSecret = [32]byte([]byte("SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS"))
	clientSecret = [32]byte([]byte("CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"))
)

const (
	username = "admin"
	password = "secret"
	userID   = "golden"
)

func main() {
	out := flag.String("out", "../zmtp/testdata", "directory the .hex files go to")
	flag.Parse()
	serverPublic := zmtp.CurvePublic(serverSecret)
	clientPublic := zmtp.CurvePublic(clientSecret)
	stopZAP := serveZAP()
	defer stopZAP()
	for _, c := range []struct {
		file      string
		mechanism string
		libzmqIs  string // "client" or "server"
	}{
		{"libzmq-plain-client.hex", zmtp.MechanismPlain, "client"},
		{"libzmq-plain-server.hex", zmtp.MechanismPlain, "server"},
		{"libzmq-curve-client.hex", zmtp.MechanismCurve, "client"},
		{"libzmq-curve-server.hex", zmtp.MechanismCurve, "server"},
	} {
		ours := zmtp.Config{
			SocketType: "PULL",
			Mechanism:  c.mechanism,
			AsServer:   c.libzmqIs == "client",
			Rand:       rand.NewChaCha8(seed),
		}
		lz, err := zmq.NewSocket(zmq.PUSH)
		if err != nil {
			log.Fatal(err)
		}
		lz.SetLinger(time.Second)
		switch {
		case c.mechanism == zmtp.MechanismPlain && ours.AsServer:
			check(lz.SetPlainUsername(username), lz.SetPlainPassword(password))
		case c.mechanism == zmtp.MechanismPlain:
			check(lz.SetPlainServer(1))
			ours.PlainUsername, ours.PlainPassword = []byte(username), []byte(password)
		case ours.AsServer:
			check(lz.SetCurveServerkey(string(serverPublic[:])),
				lz.SetCurvePublickey(string(clientPublic[:])),
				lz.SetCurveSecretkey(string(clientSecret[:])))
			ours.CurveSecretKey = serverSecret
		default:
			check(lz.SetCurveServer(1), lz.SetCurveSecretkey(string(serverSecret[:])))
			ours.CurveSecretKey, ours.CurveServerKey = clientSecret, serverPublic
		}
		lines, err := capture(lz, ours)
		lz.Close()
		if err != nil {
			log.Fatalf("%s: %v", c.file, err)
		}
		header := fmt.Sprintf(`# A libzmq 4.3.4 (Debian libzmq5 4.3.4) %s PUSH socket talking to zmtp.Handshake as the
# %s PULL over TCP, captured by interop/cmd/transcript on %s.
# Lines starting "< " are what libzmq sent, as each read(2) returned it; "> " what we sent.
# Our side used zmtp.Config.Rand = ChaCha8(%q) and the fixed keys and
# credentials of interop/cmd/transcript; libzmq sent "hello" once the handshake was done.
`, c.mechanism+" "+c.libzmqIs, c.mechanism+" "+map[bool]string{true: "server", false: "client"}[ours.AsServer],
			time.Now().UTC().Format("2006-01-02"), string(seed[:]))
		path := filepath.Join(*out, c.file)
		if err := os.WriteFile(path, []byte(header+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Println("wrote", path, len(lines), "lines")
	}
}

func check(errs ...error) {
	for _, err := range errs {
		if err != nil {
			log.Fatal(err)
		}
	}
}

// serveZAP answers libzmq's ZAP requests (RFC 27) in this process with 200
// and User-Id "golden": libzmq 4.3.4's PLAIN server refuses every client
// when no handler is bound.
func serveZAP() (stop func()) {
	rep, err := zmq.NewSocket(zmq.REP)
	if err != nil {
		log.Fatal(err)
	}
	check(rep.Bind("inproc://zeromq.zap.01"), rep.SetRcvtimeo(100*time.Millisecond))
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				rep.Close()
				return
			default:
			}
			req, err := rep.RecvMessageBytes(0)
			if err != nil {
				continue
			}
			// version, request id, domain, address, routing id,
			// mechanism, credentials...
			if len(req) < 6 {
				log.Fatalf("ZAP request of %d frames", len(req))
			}
			_, err = rep.SendMessage("1.0", req[1], "200", "OK", userID, "")
			check(err)
		}
	}()
	return func() { close(done); <-finished }
}

// capture runs one handshake between lz and ours over loopback TCP, then
// reads until libzmq has been quiet for half a second, recording both
// directions.
func capture(lz *zmq.Socket, cfg zmtp.Config) ([]string, error) {
	var conn net.Conn
	if cfg.AsServer {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer ln.Close()
		if err := lz.Connect("tcp://" + ln.Addr().String()); err != nil {
			return nil, err
		}
		if conn, err = ln.Accept(); err != nil {
			return nil, err
		}
	} else {
		if err := lz.Bind("tcp://127.0.0.1:*"); err != nil {
			return nil, err
		}
		ep, err := lz.GetLastEndpoint()
		if err != nil {
			return nil, err
		}
		if conn, err = net.Dial("tcp", strings.TrimPrefix(ep, "tcp://")); err != nil {
			return nil, err
		}
	}
	defer conn.Close()
	// A PUSH with no peer yet blocks in Send: it sends once the handshake
	// is done and the pipe is attached.
	// The send's timeout bounds the wait for it on every way out, and
	// nothing else touches lz until it is over (libzmq sockets are not
	// safe for concurrent use).
	lz.SetSndtimeo(5 * time.Second)
	sent := make(chan error, 1)
	go func() { _, err := lz.Send("hello", 0); sent <- err }()
	defer func() {
		if sent != nil {
			<-sent
		}
	}()

	var lines []string
	h := zmtp.NewHandshake(cfg)
	var pending []byte
	buf := make([]byte, 65536)
	for {
		if out := h.Output(nil); len(out) > 0 {
			lines = append(lines, "> "+hex.EncodeToString(out))
			if _, err := conn.Write(out); err != nil {
				return lines, err
			}
		}
		if req, ok := h.ZAPPending(); ok {
			if err := h.ZAPReply(zmtp.ZAPReply{StatusCode: "200", UserID: []byte(userID)}); err != nil {
				return lines, fmt.Errorf("ZAP for %s: %v", req.Mechanism, err)
			}
			continue
		}
		if h.Done() {
			break
		}
		if len(pending) > 0 {
			n, err := h.Input(pending)
			pending = pending[n:]
			if err != nil {
				return lines, err
			}
			if n > 0 {
				continue
			}
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			return lines, fmt.Errorf("during the handshake: %v", err)
		}
		lines = append(lines, "< "+hex.EncodeToString(buf[:n]))
		pending = append(pending, buf[:n]...)
	}
	for {
		conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		n, err := conn.Read(buf)
		if n > 0 {
			lines = append(lines, "< "+hex.EncodeToString(buf[:n]))
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		if err != nil {
			return lines, err
		}
	}
	err := <-sent
	sent = nil
	if err != nil {
		return lines, fmt.Errorf("libzmq's send: %v", err)
	}
	return lines, nil
}
