package sockets

import (
	"bytes"
	"runtime/debug"
	"testing"
)

// FuzzSubTrie runs subscribe, cancel and match operations from the fuzzer
// on a subTrie and on a plain map of every subscriber's topics, and wants
// the same answers from both; after each operation the trie keeps no node
// without a purpose (no subscribers and fewer than two children).
//
// The input is a list of operations: a byte whose low 2 bits pick one of 4
// subscribers and next 2 bits the operation (add, rm, match), a length
// byte (mod 8), then that many topic bytes folded onto "abcd" so that
// topics share prefixes.
func FuzzSubTrie(f *testing.F) {
	f.Add([]byte{0x00, 2, 'a', 'b', 0x01, 1, 'a', 0x08, 3, 'a', 'b', 'c', 0x04, 2, 'a', 'b', 0x08, 3, 'a', 'b', 'c'})
	f.Add([]byte{0x00, 0, 0x08, 1, 'x', 0x04, 0, 0x08, 0})
	f.Add([]byte{0x00, 4, 'a', 'b', 'c', 'd', 0x00, 2, 'a', 'b', 0x00, 3, 'a', 'b', 'd', 0x04, 2, 'a', 'b', 0x04, 4, 'a', 'b', 'c', 'd', 0x08, 5, 'a', 'b', 'd', 'd', 'd'})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var tr subTrie
		peers := []*pubPeer{{}, {}, {}, {}}
		model := make([]map[string]bool, len(peers))
		for i := range model {
			model[i] = map[string]bool{}
		}
		holders := func(topic string) int {
			n := 0
			for _, m := range model {
				if m[topic] {
					n++
				}
			}
			return n
		}
		var gen uint64
		for len(ops) >= 2 {
			who, op := int(ops[0]&3), ops[0]>>2&3
			n := min(int(ops[1]%8), len(ops)-2)
			topic := make([]byte, n)
			for i, c := range ops[2 : 2+n] {
				topic[i] = "abcd"[c&3]
			}
			ops = ops[2+n:]
			switch op {
			case 0:
				wantAdded, wantFirst := !model[who][string(topic)], holders(string(topic)) == 0
				added, first := tr.add(topic, peers[who])
				if added != wantAdded || first != wantFirst {
					t.Fatalf("add %q by %d = %v %v, want %v %v", topic, who, added, first, wantAdded, wantFirst)
				}
				model[who][string(topic)] = true
			case 1:
				wantRemoved := model[who][string(topic)]
				delete(model[who], string(topic))
				wantLast := wantRemoved && holders(string(topic)) == 0
				removed, last := tr.rm(topic, peers[who])
				if removed != wantRemoved || last != wantLast {
					t.Fatalf("rm %q by %d = %v %v, want %v %v", topic, who, removed, last, wantRemoved, wantLast)
				}
			default:
				gen++
				got := map[*pubPeer]int{}
				tr.match(topic, gen, func(p *pubPeer) { got[p]++ })
				for i, p := range peers {
					want := 0
					for sub := range model[i] {
						if bytes.HasPrefix(topic, []byte(sub)) {
							want = 1
							break
						}
					}
					if got[p] != want {
						t.Fatalf("match %q: subscriber %d visited %d times, want %d (holds %v)", topic, i, got[p], want, model[i])
					}
				}
			}
			checkCompact(t, &tr.root, true)
		}
	})
}

// checkCompact fails if a node other than the root has no subscribers and
// fewer than two children, or an empty label.
func checkCompact(t *testing.T, n *trieNode, root bool) {
	if !root && (len(n.label) == 0 || len(n.subs) == 0 && len(n.next) < 2) {
		t.Fatalf("node %q with %d subscribers and %d children", n.label, len(n.subs), len(n.next))
	}
	for c, child := range n.next {
		if child.label[0] != c {
			t.Fatalf("child %q filed under %q", child.label, c)
		}
		checkCompact(t, child, false)
	}
}

// TestSubTrieLongTopic: a 16 MiB subscription and its cancel, with the
// goroutine's stack held to 1 MiB. The trie used a node per byte and
// cancelled by recursion, a stack frame per byte: a peer's long
// subscription could take the publisher's memory and then its stack.
func TestSubTrieLongTopic(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(1 << 20))
	topic := bytes.Repeat([]byte("x"), 16<<20)
	var tr subTrie
	p, q := &pubPeer{}, &pubPeer{}
	tr.add(topic, p)
	tr.add(topic[:len(topic)/2], q)
	var gen uint64 = 1
	hits := 0
	tr.match(append(topic, 'y'), gen, func(*pubPeer) { hits++ })
	if hits != 2 {
		t.Fatalf("%d of 2 subscriptions matched", hits)
	}
	if removed, last := tr.rm(topic, p); !removed || !last {
		t.Fatal("rm of the long topic")
	}
	if removed, _ := tr.rm(topic[:len(topic)/2], q); !removed || len(tr.root.next) != 0 {
		t.Fatal("rm of the half")
	}
}
