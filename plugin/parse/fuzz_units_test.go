package parse

import (
	"testing"
	"time"
)

// FuzzParseDuration: compose durations never panic, are never negative, and render to
// flags and systemd spans that parse back to the same duration.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"10s", "1m30s", "500ms", "1h", "0s", "1.5s", "-1s", "1d", "90"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("%q: negative duration %s accepted", s, d)
		}
		back, err := time.ParseDuration(FlagDuration(d))
		if err != nil || back != d {
			t.Fatalf("%q: flag %q reads back as %s (%v)", s, FlagDuration(d), back, err)
		}
		_ = SystemdSpan(d)
		_ = Seconds(d)
	})
}

// FuzzParseBytes: compose byte sizes never panic and are never negative.
func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"512m", "1gb", "1024k", "100", "1.5g", "0", "-1", "9999999999g", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseBytes(s)
		if err == nil && n < 0 {
			t.Fatalf("%q: negative size %d accepted", s, n)
		}
	})
}
