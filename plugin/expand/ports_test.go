package expand

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/parse"
	"github.com/khepri-nix/khepri/plugin/service"
)

// TestCheckPortsMatchesPairwise checks the indexed port check against the definition:
// each port is reported with the first earlier port it conflicts with.
func TestCheckPortsMatchesPairwise(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	addrs := []string{"", "127.0.0.1:", "127.0.0.2:", "0.0.0.0:", "[::1]:", "[::]:"}
	for round := range 200 {
		var ports []service.PortUse
		for i := range 12 {
			host := 8000 + r.IntN(6)
			spec := fmt.Sprintf("%s%d:80", addrs[r.IntN(len(addrs))], host)
			switch r.IntN(4) {
			case 0:
				spec = fmt.Sprintf("%s%d-%d:80-%d", addrs[r.IntN(len(addrs))], host, host+2, 82)
			case 1:
				spec += "/udp"
			case 2:
				spec = fmt.Sprintf("%d-%d:80", host, host+3) // the engine picks one: never conflicts
			}
			p, err := parse.ParsePort(spec)
			require.NoError(t, err, spec)
			ports = append(ports, service.PortUse{Port: p, Spec: spec, Path: diag.Path(fmt.Sprintf("p%d", i))})
		}
		var want []string
		for j, b := range ports {
			for _, a := range ports[:j] {
				if a.Port.Conflicts(b.Port) {
					want = append(want, fmt.Sprintf("%s<-%s", b.Path, a.Path))
					break
				}
			}
		}
		h := &host{d: &diag.Collector{}, ports: ports}
		h.checkPorts()
		var got []string
		for _, d := range h.d.Sorted() {
			m := publishedBy.FindStringSubmatch(d.GetMessage())
			require.NotNil(t, m, d.GetMessage())
			got = append(got, d.GetPath()+"<-"+m[1])
		}
		assert.ElementsMatch(t, want, got, "round %d: %v", round, ports)
	}
}

var publishedBy = regexp.MustCompile(`already published by (p[0-9]+) `)
