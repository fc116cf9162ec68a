module github.com/zring/zring/interop

go 1.26.0

require github.com/zring/zring v0.0.0

require golang.org/x/crypto v0.59.0 // indirect

require (
	github.com/pebbe/zmq4 v1.4.0
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/zring/zring => ../
