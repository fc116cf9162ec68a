// Peer is the JeroMQ 0.3.6 side of interop/jeromq_test.go: one socket
// that binds or connects, then plays one part for a number of messages.
// JeroMQ 0.3.6 (Debian's libjeromq-java) speaks ZMTP 2.0, so everything it
// exchanges with zring goes through zring's downgrade.
//
//   java -cp jeromq.jar:DIR Peer TYPE bind|connect ENDPOINT COUNT MODE [-id ID] [-peer ID] [-topic T]
//
// TYPE is a socket type (PUSH, PULL, REQ, REP, DEALER, ROUTER, PUB, SUB,
// XPUB, XSUB). bind with ENDPOINT tcp://127.0.0.1:* binds a random port
// and prints "PORT n". Then it prints "READY" and plays MODE:
//
//   send     send COUNT messages, message(i) for i = 0, 1, ...
//   recv     receive COUNT messages; each must be message(i)
//   request  COUNT times: send message(i), receive it back
//   echo     COUNT times: receive a message and send it back; a ROUTER
//            checks that its first part (the routing id) is -peer's
//   sub      subscribe to -topic; print "FIRST" at the first message, then
//            receive COUNT messages "TOPIC i" in order, skipping "TOPIC probe"
//   xpub     wait for the subscription "\x01TOPIC", print "SUBSCRIBED", then
//            send "other i" and "TOPIC i" COUNT times
//
// It prints "OK" and exits 0 when done, or prints "FAIL reason" and exits
// 1. Every receive gives up after 10 s.
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public class Peer {
    static void fail(String why) {
        System.out.println("FAIL " + why);
        System.out.flush();
        System.exit(1);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    // message(i): one part; three parts, the middle one empty; or two, the
    // second 300 bytes or more (ZMTP 2.0's long frame). jeromq_test.go
    // builds the same.
    static List<byte[]> message(int i) {
        List<byte[]> m = new ArrayList<>();
        m.add(bytes("m" + i));
        if (i % 3 == 1) {
            m.add(new byte[0]);
            m.add(bytes("part"));
        } else if (i % 3 == 2) {
            byte[] big = new byte[300 + i % 7];
            Arrays.fill(big, (byte) 'L');
            m.add(big);
        }
        return m;
    }

    static void send(ZMQ.Socket s, List<byte[]> m) {
        for (int k = 0; k < m.size(); k++) {
            if (!s.send(m.get(k), k < m.size() - 1 ? ZMQ.SNDMORE : 0)) {
                fail("send");
            }
        }
    }

    static List<byte[]> recv(ZMQ.Socket s) {
        List<byte[]> m = new ArrayList<>();
        do {
            byte[] b = s.recv(0);
            if (b == null) {
                fail("receive timed out after " + m.size() + " parts");
            }
            m.add(b);
        } while (s.hasReceiveMore());
        return m;
    }

    static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int k = 0; k < a.size(); k++) {
            if (!Arrays.equals(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }

    static String show(List<byte[]> m) {
        StringBuilder sb = new StringBuilder("[");
        for (byte[] b : m) {
            sb.append(b.length > 20 ? text(Arrays.copyOf(b, 20)) + "...(" + b.length + ")" : text(b)).append('|');
        }
        return sb.append(']').toString();
    }

    public static void main(String[] args) {
        if (args.length < 5) {
            fail("usage: Peer TYPE bind|connect ENDPOINT COUNT MODE [-id ID] [-peer ID] [-topic T]");
        }
        String type = args[0], how = args[1], endpoint = args[2], mode = args[4];
        int count = Integer.parseInt(args[3]);
        String id = null, peer = null, topic = "";
        for (int k = 5; k + 1 < args.length; k += 2) {
            switch (args[k]) {
                case "-id": id = args[k + 1]; break;
                case "-peer": peer = args[k + 1]; break;
                case "-topic": topic = args[k + 1]; break;
                default: fail("unknown option " + args[k]);
            }
        }
        int t;
        switch (type) {
            case "PUSH": t = ZMQ.PUSH; break;
            case "PULL": t = ZMQ.PULL; break;
            case "REQ": t = ZMQ.REQ; break;
            case "REP": t = ZMQ.REP; break;
            case "DEALER": t = ZMQ.DEALER; break;
            case "ROUTER": t = ZMQ.ROUTER; break;
            case "PUB": t = ZMQ.PUB; break;
            case "SUB": t = ZMQ.SUB; break;
            case "XPUB": t = ZMQ.XPUB; break;
            case "XSUB": t = ZMQ.XSUB; break;
            default: fail("unknown socket type " + type); return;
        }

        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket s = ctx.socket(t);
        s.setReceiveTimeOut(10000);
        s.setSendTimeOut(10000);
        s.setLinger(5000); // what is sent before close still goes out
        if (id != null) {
            s.setIdentity(bytes(id));
        }
        if (mode.equals("sub")) {
            s.subscribe(bytes(topic));
        }
        if (how.equals("bind")) {
            if (endpoint.endsWith(":*")) {
                int port = s.bindToRandomPort(endpoint.substring(0, endpoint.length() - 2));
                System.out.println("PORT " + port);
            } else {
                s.bind(endpoint);
            }
        } else {
            s.connect(endpoint);
        }
        System.out.println("READY");
        System.out.flush();

        switch (mode) {
            case "send":
                for (int i = 0; i < count; i++) {
                    send(s, message(i));
                }
                break;
            case "recv":
                for (int i = 0; i < count; i++) {
                    List<byte[]> got = recv(s);
                    if (!same(got, message(i))) {
                        fail("message " + i + " is " + show(got) + ", want " + show(message(i)));
                    }
                }
                break;
            case "request":
                for (int i = 0; i < count; i++) {
                    send(s, message(i));
                    List<byte[]> got = recv(s);
                    if (!same(got, message(i))) {
                        fail("reply " + i + " is " + show(got) + ", want " + show(message(i)));
                    }
                }
                break;
            case "echo":
                for (int i = 0; i < count; i++) {
                    List<byte[]> got = recv(s);
                    if (peer != null && !text(got.get(0)).equals(peer)) {
                        fail("routing id " + show(got) + ", want " + peer);
                    }
                    send(s, got);
                }
                break;
            case "sub": {
                boolean first = true;
                for (int i = 0; i < count; ) {
                    List<byte[]> got = recv(s);
                    if (first) {
                        System.out.println("FIRST");
                        System.out.flush();
                        first = false;
                    }
                    String m = text(got.get(0));
                    if (got.size() == 1 && m.equals(topic + " probe")) {
                        continue;
                    }
                    if (got.size() != 1 || !m.equals(topic + " " + i)) {
                        fail("message " + i + " is " + show(got));
                    }
                    i++;
                }
                break;
            }
            case "xpub": {
                List<byte[]> got = recv(s);
                if (got.size() != 1 || !text(got.get(0)).equals("\u0001" + topic)) {
                    fail("subscription " + show(got));
                }
                System.out.println("SUBSCRIBED");
                System.out.flush();
                for (int i = 0; i < count; i++) {
                    s.send(bytes("other " + i), 0);
                    s.send(bytes(topic + " " + i), 0);
                }
                break;
            }
            default:
                fail("unknown mode " + mode);
        }
        s.close();
        ctx.term();
        System.out.println("OK");
        System.out.flush();
        System.exit(0);
    }
}
