package parse

import (
	"fmt"
	"strconv"
	"strings"
)

// Restart is a compose restart policy translated to systemd.
type Restart struct {
	// Policy is systemd's Restart= value: "no", "always" or "on-failure".
	Policy string
	// MaxRetries is N of `on-failure:N`, or -1 when restarts are not limited.
	MaxRetries int
}

const restartAllowed = `allowed: "no", "always", "unless-stopped", "on-failure" or "on-failure:N" with N >= 0`

// ParseRestart translates compose's `restart`. oci-containers runs containers with
// `--rm`, which docker refuses together with `--restart`, so systemd restarts them;
// `unless-stopped` is `always` there, as a stopped unit stays stopped.
func ParseRestart(s string) (Restart, error) {
	switch s {
	case "", "no":
		return Restart{Policy: "no", MaxRetries: -1}, nil
	case "always", "unless-stopped":
		return Restart{Policy: "always", MaxRetries: -1}, nil
	case "on-failure":
		return Restart{Policy: "on-failure", MaxRetries: -1}, nil
	}
	if n, ok := strings.CutPrefix(s, "on-failure:"); ok {
		if n != "" && strings.TrimLeft(n, "0123456789") == "" {
			if v, err := strconv.Atoi(n); err == nil && v < 1<<30 {
				return Restart{Policy: "on-failure", MaxRetries: v}, nil
			}
		}
	}
	return Restart{}, fmt.Errorf("invalid restart policy %q; %s", s, restartAllowed)
}
