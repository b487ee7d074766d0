package service

import (
	"strings"

	"github.com/khepri-nix/khepri/plugin/systemd"
)

// preStart collects the shell lines the container unit runs before the container
// starts; every interpolated word is quoted.
type preStart []string

func (p *preStart) add(words ...string) {
	*p = append(*p, systemd.Command(words...))
}

func (p preStart) String() string {
	if len(p) == 0 {
		return ""
	}
	return strings.Join(p, "\n") + "\n"
}
