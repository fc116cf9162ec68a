package zring_test

import (
	"fmt"

	"github.com/zring/zring"
)

func ExampleZ85Encode() {
	text, _ := zring.Z85Encode([]byte{0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B})
	fmt.Println(text)

	_, err := zring.Z85Encode([]byte("odd"))
	fmt.Println(err)
	// Output:
	// HelloWorld
	// z85 encode: invalid argument: length 3 is not a multiple of 4
}

func ExampleZ85Decode() {
	data, _ := zring.Z85Decode("HelloWorld")
	fmt.Printf("% x\n", data)

	_, err := zring.Z85Decode("Hello World")
	fmt.Println(err)
	// Output:
	// 86 4f d2 6f b5 59 f7 5b
	// z85 decode: invalid argument: length 11 is not a multiple of 5
}

func ExampleCurveKeypair() {
	public, secret, err := zring.CurveKeypair()
	if err != nil {
		panic(err)
	}
	// The keys are new each time; what holds for every pair is checked.
	derived, _ := zring.CurvePublic(secret)
	fmt.Println(len(public), len(secret), derived == public)
	// Output: 40 40 true
}

func ExampleCurvePublic() {
	// The server key pair of libzmq's zmq_curve(7) page.
	public, _ := zring.CurvePublic("JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6")
	fmt.Println(public)
	// Output: rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7
}
