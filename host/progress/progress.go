// Package progress shows what a wait is waiting for: on a terminal one line per item,
// redrawn in place as states change; elsewhere (a log, a pipe, a test) one line per
// item when it reaches its final state, so the output is the same on every run.
package progress

import (
	"fmt"
	"io"
	"strings"
)

// Display is the progress of a set of items, in the order they were added.
type Display struct {
	w      io.Writer
	tty    bool
	names  []string
	width  int
	states map[string]string
	final  map[string]bool
	drawn  int
}

// New returns a Display writing to w; tty redraws in place.
func New(w io.Writer, tty bool, names []string) *Display {
	d := &Display{w: w, tty: tty, names: names, states: map[string]string{}, final: map[string]bool{}}
	for _, n := range names {
		d.width = max(d.width, len(n))
		d.states[n] = "waiting"
	}
	return d
}

// Set records an item's state; final marks it settled (done or failed). A settled
// item keeps its state.
func (d *Display) Set(name, state string, final bool) {
	if d.final[name] {
		return
	}
	changed := d.states[name] != state
	d.states[name] = state
	if final {
		d.final[name] = true
		if !d.tty {
			fmt.Fprintf(d.w, "%-*s  %s\n", d.width, name, state)
		}
	}
	if d.tty && (changed || final) {
		d.redraw()
	}
}

func (d *Display) redraw() {
	var b strings.Builder
	if d.drawn > 0 {
		// Back to the first line of the block, which is drawn again in place.
		fmt.Fprintf(&b, "\x1b[%dA", d.drawn)
	}
	for _, n := range d.names {
		mark := "…"
		if d.final[n] {
			mark = "✔"
			if strings.HasPrefix(d.states[n], "failed") || strings.Contains(d.states[n], "unhealthy") {
				mark = "✘"
			}
		}
		fmt.Fprintf(&b, "\x1b[2K %s %-*s  %s\n", mark, d.width, n, d.states[n])
	}
	d.drawn = len(d.names)
	_, _ = io.WriteString(d.w, b.String())
}
