package zmtp

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestAppendMetadata(t *testing.T) {
	props := []Property{
		{"Socket-Type", []byte("REQ")},
		{"Identity", nil},
		{"X-Big", bytes.Repeat([]byte{7}, 300)},
	}
	want := cat(
		[]byte("\x0bSocket-Type\x00\x00\x00\x03REQ"),
		[]byte("\x08Identity\x00\x00\x00\x00"),
		[]byte("\x05X-Big\x00\x00\x01\x2c"), bytes.Repeat([]byte{7}, 300),
	)
	got := AppendMetadata([]byte("pre"), props)
	if !bytes.Equal(got, cat([]byte("pre"), want)) {
		t.Fatalf("AppendMetadata = %q\nwant pre%q", got, want)
	}
	if metadataSize(props) != len(want) {
		t.Errorf("metadataSize = %d, want %d", metadataSize(props), len(want))
	}
	var back []Property
	err := ParseMetadata(want, func(name, value []byte) error {
		back = append(back, Property{string(name), bytes.Clone(value)})
		return nil
	})
	if err != nil || len(back) != len(props) {
		t.Fatalf("ParseMetadata = %v, %d properties", err, len(back))
	}
	for i := range props {
		if back[i].Name != props[i].Name || !bytes.Equal(back[i].Value, props[i].Value) {
			t.Errorf("property %d = %q, want %q", i, back[i], props[i])
		}
	}
}

func TestAppendMetadataBadNamePanics(t *testing.T) {
	for _, name := range []string{"", strings.Repeat("n", 256)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AppendMetadata with a %d-byte name did not panic", len(name))
				}
			}()
			AppendMetadata(nil, []Property{{Name: name}})
		}()
	}
}

func TestParseMetadata(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		want    []string // name=value
		wantErr error
	}{
		{"nothing", nil, nil, nil},
		{"one", []byte("\x01A\x00\x00\x00\x01v"), []string{"A=v"}, nil},
		{"empty value", []byte("\x01A\x00\x00\x00\x00\x01B\x00\x00\x00\x02bb"), []string{"A=", "B=bb"}, nil},
		{"empty name", []byte("\x00\x00\x00\x00\x00"), nil, ErrMalformed},
		{"name overruns", []byte("\x05AB"), nil, ErrMalformed},
		{"stray byte after a property", []byte("\x01A\x00\x00\x00\x00\x01"), []string{"A="}, ErrMalformed},
		{"value length cut short", []byte("\x01A\x00\x00\x00"), nil, ErrMalformed},
		{"no value length", []byte("\x01A"), nil, ErrMalformed},
		{"value overruns", []byte("\x01A\x00\x00\x00\x05abc"), nil, ErrMalformed},
		{"value length with top bit", []byte("\x01A\x80\x00\x00\x00"), nil, ErrMalformed},
		{"value length 4 GiB", []byte("\x01A\xff\xff\xff\xff"), nil, ErrMalformed},
		{"second property truncated", []byte("\x01A\x00\x00\x00\x01v\x0bSocket-Type\x00\x00\x00\x04PU"), []string{"A=v"}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := ParseMetadata(tt.data, func(name, value []byte) error {
				got = append(got, string(name)+"="+string(value))
				return nil
			})
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ParseMetadata(%q) error = %v, want %v", tt.data, err, tt.wantErr)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("ParseMetadata(%q) saw %q, want %q", tt.data, got, tt.want)
			}
			// Validation alone gives the same verdict.
			if err2 := ParseMetadata(tt.data, nil); (err2 == nil) != (err == nil) {
				t.Errorf("ParseMetadata(%q, nil) = %v, with fn %v", tt.data, err2, err)
			}
		})
	}
}

func TestParseMetadataCallbackError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	data := AppendMetadata(nil, []Property{{"A", nil}, {"B", nil}})
	err := ParseMetadata(data, func(name, value []byte) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("ParseMetadata = %v after %d calls, want the callback's error after 1", err, calls)
	}
}

func TestParseMetadataAllocs(t *testing.T) {
	data := AppendMetadata(nil, []Property{{"Socket-Type", []byte("PUSH")}, {"X-A", []byte("b")}})
	count := 0
	fn := func(name, value []byte) error { count++; return nil }
	if n := testing.AllocsPerRun(100, func() { ParseMetadata(data, fn) }); n != 0 {
		t.Errorf("ParseMetadata allocates %v times", n)
	}
}
