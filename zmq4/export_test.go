package zmq4

// ResetAuth stops the ZAP handler and forgets every rule, so that a test
// starts from pebbe/zmq4's initial state: the rules are package state.
func ResetAuth() {
	AuthStop()
	auth.mu.Lock()
	defer auth.mu.Unlock()
	auth.verbose = false
	auth.metadata = nil
	auth.allow, auth.deny, auth.users, auth.keys, auth.anyKey = nil, nil, nil, nil, nil
}

// OpenSockets is how many sockets ctx counts as open.
func OpenSockets(ctx *Context) int {
	ctx.mu.Lock()
	defer ctx.mu.Unlock()
	return ctx.open
}
