package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/zring/zring"
)

// eventNames are zmq.h's names without ZMQ_EVENT_, which libzmq's users
// search for; MESSAGES_DROPPED is zring's own.
var eventNames = map[zring.Event]string{
	zring.EventConnected:               "CONNECTED",
	zring.EventConnectDelayed:          "CONNECT_DELAYED",
	zring.EventConnectRetried:          "CONNECT_RETRIED",
	zring.EventListening:               "LISTENING",
	zring.EventBindFailed:              "BIND_FAILED",
	zring.EventAccepted:                "ACCEPTED",
	zring.EventAcceptFailed:            "ACCEPT_FAILED",
	zring.EventClosed:                  "CLOSED",
	zring.EventCloseFailed:             "CLOSE_FAILED",
	zring.EventDisconnected:            "DISCONNECTED",
	zring.EventMonitorStopped:          "MONITOR_STOPPED",
	zring.EventHandshakeFailedNoDetail: "HANDSHAKE_FAILED_NO_DETAIL",
	zring.EventHandshakeSucceeded:      "HANDSHAKE_SUCCEEDED",
	zring.EventHandshakeFailedProtocol: "HANDSHAKE_FAILED_PROTOCOL",
	zring.EventHandshakeFailedAuth:     "HANDSHAKE_FAILED_AUTH",
	zring.EventMessagesDropped:         "MESSAGES_DROPPED",
}

// protocolErrors are zmq.h's ZMQ_PROTOCOL_ERROR_* names, without the
// prefix, for HANDSHAKE_FAILED_PROTOCOL's value.
var protocolErrors = map[uint32]string{
	zring.ProtocolErrorUnspecified:          "ZMTP_UNSPECIFIED",
	zring.ProtocolErrorUnexpectedCommand:    "ZMTP_UNEXPECTED_COMMAND",
	zring.ProtocolErrorInvalidSequence:      "ZMTP_INVALID_SEQUENCE",
	zring.ProtocolErrorKeyExchange:          "ZMTP_KEY_EXCHANGE",
	zring.ProtocolErrorMalformedCommand:     "ZMTP_MALFORMED_COMMAND_UNSPECIFIED",
	zring.ProtocolErrorMalformedMessage:     "ZMTP_MALFORMED_COMMAND_MESSAGE",
	zring.ProtocolErrorMalformedHello:       "ZMTP_MALFORMED_COMMAND_HELLO",
	zring.ProtocolErrorMalformedInitiate:    "ZMTP_MALFORMED_COMMAND_INITIATE",
	zring.ProtocolErrorMalformedError:       "ZMTP_MALFORMED_COMMAND_ERROR",
	zring.ProtocolErrorMalformedReady:       "ZMTP_MALFORMED_COMMAND_READY",
	zring.ProtocolErrorMalformedWelcome:     "ZMTP_MALFORMED_COMMAND_WELCOME",
	zring.ProtocolErrorInvalidMetadata:      "ZMTP_INVALID_METADATA",
	zring.ProtocolErrorCryptographic:        "ZMTP_CRYPTOGRAPHIC",
	zring.ProtocolErrorMechanismMismatch:    "ZMTP_MECHANISM_MISMATCH",
	zring.ProtocolErrorZAPUnspecified:       "ZAP_UNSPECIFIED",
	zring.ProtocolErrorZAPMalformedReply:    "ZAP_MALFORMED_REPLY",
	zring.ProtocolErrorZAPBadRequestID:      "ZAP_BAD_REQUEST_ID",
	zring.ProtocolErrorZAPBadVersion:        "ZAP_BAD_VERSION",
	zring.ProtocolErrorZAPInvalidStatusCode: "ZAP_INVALID_STATUS_CODE",
	zring.ProtocolErrorZAPInvalidMetadata:   "ZAP_INVALID_METADATA",
}

func eventName(e zring.Event) string {
	if n, ok := eventNames[e]; ok {
		return n
	}
	return fmt.Sprintf("EVENT_%#04x", uint16(e))
}

// formatEvent is one line: the time (RFC 3339, microseconds), the event's
// name, its value and endpoint ("-" for none), each one word so that awk
// and cut can take them apart, then what the value means, when it is not
// a file descriptor.
func formatEvent(ev zring.MonitorEvent) string {
	ep := ev.Endpoint
	if ep == "" {
		ep = "-"
	}
	line := fmt.Sprintf("%s %s %d %s", time.Now().Format("2006-01-02T15:04:05.000000Z07:00"), eventName(ev.Event), ev.Value, ep)
	if d := eventDetail(ev); d != "" {
		line += " (" + d + ")"
	}
	return line + "\n"
}

func eventDetail(ev zring.MonitorEvent) string {
	switch ev.Event {
	case zring.EventConnectDelayed, zring.EventBindFailed, zring.EventAcceptFailed, zring.EventCloseFailed, zring.EventHandshakeFailedNoDetail:
		if ev.Value != 0 {
			return zring.Errno(ev.Value).Error()
		}
	case zring.EventConnectRetried:
		return "next try in " + strconv.FormatUint(uint64(ev.Value), 10) + " ms"
	case zring.EventHandshakeFailedProtocol:
		if n, ok := protocolErrors[ev.Value]; ok {
			return n
		}
	case zring.EventHandshakeFailedAuth:
		return "ZAP status " + strconv.FormatUint(uint64(ev.Value), 10)
	case zring.EventMessagesDropped:
		return "messages dropped for this peer"
	}
	return ""
}
