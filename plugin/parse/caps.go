package parse

import (
	"fmt"
	"regexp"
	"strings"
)

// capRe spells out ASCII classes: (?i) would also fold ſ and K (Kelvin) to s and k.
var capRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// Capability normalizes a capability name as the engines do: case-insensitive, with an
// optional CAP_ prefix, stored without it (oci-containers adds nothing). ALL is allowed.
func Capability(s string) (string, error) {
	c := s
	if len(c) >= 4 && strings.EqualFold(c[:4], "CAP_") {
		c = c[4:]
	}
	if !capRe.MatchString(c) {
		return "", fmt.Errorf("invalid capability %q: use a name such as NET_ADMIN or CAP_NET_ADMIN, or ALL", s)
	}
	return strings.ToUpper(c), nil
}
