package zmtp

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Property is one piece of connection metadata: a name (1 to 255 bytes,
// case-insensitive on receipt) and an opaque value of up to 2^31-1 bytes.
// RFC 37 defines "Socket-Type", "Identity" and "Resource"; names beginning
// "X-" are the application's.
type Property struct {
	Name  string
	Value []byte
}

const maxPropertyValue = math.MaxInt32 // value = 4OCTET *OCTET, at most INT32_MAX

// AppendMetadata appends props in their wire form, one after another: the
// name's length (1 byte), the name, the value's length (4 bytes, big
// endian), the value.
//
// Each name must be 1 to 255 bytes and each value at most 2^31-1 bytes.
// Violating that is a bug in the caller (options are validated when they
// are set) and panics.
func AppendMetadata(b []byte, props []Property) []byte {
	for _, p := range props {
		if err := checkProperty(p); err != nil {
			panic("zmtp: AppendMetadata: " + err.Error())
		}
		b = append(b, byte(len(p.Name)))
		b = append(b, p.Name...)
		b = binary.BigEndian.AppendUint32(b, uint32(len(p.Value)))
		b = append(b, p.Value...)
	}
	return b
}

// metadataSize is the length of props' wire form.
func metadataSize(props []Property) int {
	n := 0
	for _, p := range props {
		n += 1 + len(p.Name) + 4 + len(p.Value)
	}
	return n
}

func checkProperty(p Property) error {
	if len(p.Name) == 0 || len(p.Name) > 255 {
		return fmt.Errorf("property name %q is %d bytes, must be 1 to 255", p.Name, len(p.Name))
	}
	if int64(len(p.Value)) > maxPropertyValue {
		return fmt.Errorf("property %q value is %d bytes, limit %d", p.Name, len(p.Value), maxPropertyValue)
	}
	return nil
}

// ParseMetadata walks the properties in data and calls fn with each name and
// value, in order. Both are subslices of data, valid during the call and for
// as long as data is unchanged; nothing is copied or allocated here. fn may
// be nil to only validate.
//
// Every length is checked against what is left before it is used. It fails
// with ErrMalformed for an empty name, a name or value that overruns data,
// a value length over 2^31-1, or stray bytes too few to be a property; an
// error from fn stops the walk and is returned as is.
func ParseMetadata(data []byte, fn func(name, value []byte) error) error {
	for len(data) > 0 {
		nameLen := int(data[0])
		data = data[1:]
		if nameLen == 0 {
			return fmt.Errorf("%w: metadata property with an empty name", ErrMalformed)
		}
		if nameLen > len(data) {
			return fmt.Errorf("%w: metadata name of %d bytes, %d left", ErrMalformed, nameLen, len(data))
		}
		name := data[:nameLen]
		data = data[nameLen:]
		if len(data) < 4 {
			return fmt.Errorf("%w: metadata property %q cut short before its value length", ErrMalformed, name)
		}
		valueLen := binary.BigEndian.Uint32(data)
		data = data[4:]
		if valueLen > maxPropertyValue {
			return fmt.Errorf("%w: metadata property %q value length %#x has its top bit set", ErrMalformed, name, valueLen)
		}
		if uint64(valueLen) > uint64(len(data)) {
			return fmt.Errorf("%w: metadata property %q value of %d bytes, %d left", ErrMalformed, name, valueLen, len(data))
		}
		value := data[:valueLen]
		data = data[valueLen:]
		if fn != nil {
			if err := fn(name, value); err != nil {
				return err
			}
		}
	}
	return nil
}
