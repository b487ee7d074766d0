package parse

import (
	"fmt"
	"strconv"
	"time"
)

const durationAllowed = "use a compose duration: a number with a unit (h, m, s, ms, us, ns), such as 10s, 1m30s or 500ms"

// ParseDuration reads a compose duration (`1m30s`, `1h`, `10s`, `500ms`), which is Go's
// duration syntax, as compose-go reads it. Negative durations are errors.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty duration; %s", durationAllowed)
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return 0, fmt.Errorf("duration %q has no unit; %s", s, durationAllowed)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q; %s", s, durationAllowed)
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q; %s", s, durationAllowed)
	}
	return d, nil
}

// Seconds rounds a duration up to whole seconds, for the flags that take seconds
// (`--stop-timeout`): a stop never gets less time than asked for.
func Seconds(d time.Duration) int64 {
	s := int64(d / time.Second)
	if d%time.Second != 0 {
		s++
	}
	return s
}

// SystemdSpan renders a duration as a systemd time span: whole seconds when it has no
// fraction, milliseconds (rounded up) otherwise.
func SystemdSpan(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	ms := int64(d / time.Millisecond)
	if d%time.Millisecond != 0 {
		ms++
	}
	return strconv.FormatInt(ms, 10) + "ms"
}

// FlagDuration renders a duration for the engines' duration flags, which read Go's
// syntax: `1m30s`, `500ms`, `1h0m0s`.
func FlagDuration(d time.Duration) string { return d.String() }
