package expander

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/naming"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// maxListed bounds how many compositions a message names.
const maxListed = 5

// checkAnswer refuses a response that does not answer req, which an empty response
// from a broken plugin would otherwise pass for "no containers" (issue 13). An answer
// gives every enabled composition of req its target, khepri-<name> (DESIGN.md, contract
// 2: even a composition without services has one), or carries an error diagnostic,
// with which the plugin gives nothing else.
func checkAnswer(path string, req *khepriv1.ExpandRequest, resp *khepriv1.ExpandResponse) error {
	if resp == nil {
		return fault(ErrBadResponse, nil, "expander plugin %s returned no response", path)
	}
	for _, d := range resp.GetDiagnostics() {
		if d.GetSeverity() == khepriv1.Severity_SEVERITY_ERROR {
			return nil
		}
	}
	var missing []string
	comps := req.GetCompositions()
	for _, name := range slices.Sorted(maps.Keys(comps)) {
		// An absent enable is true, as in the Nix option.
		if c := comps[name]; c != nil && c.Enable != nil && !*c.Enable {
			continue
		}
		if _, ok := resp.GetTargets()[naming.Target(name)]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fault(ErrBadResponse, nil, "expander plugin %s returned neither a target nor an error diagnostic for %s; is it a khepri expander plugin of this version?",
		path, listCompositions(missing))
}

// listCompositions names the compositions, the first maxListed of them.
func listCompositions(names []string) string {
	noun := "composition"
	if len(names) > 1 {
		noun = "compositions"
	}
	shown := names
	more := ""
	if len(names) > maxListed {
		shown = names[:maxListed]
		more = fmt.Sprintf(" and %d more", len(names)-maxListed)
	}
	return noun + " " + strings.Join(shown, ", ") + more
}
