package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/engine"
)

type logsOptions struct {
	manifest   string
	follow     bool
	since      string
	tail       int
	timestamps bool
	noColor    bool
}

func newLogsCommand(rt *hostRuntime) *cobra.Command {
	var opts logsOptions
	cmd := &cobra.Command{
		Use:   "logs COMPOSITION [SERVICE...] [-f] [--since T] [--tail N]",
		Short: "Show the logs of a composition's containers, merged in time order",
		Long: `Logs shows the logs of the composition's containers (of the named services), merged
in time order, each line prefixed by its service as docker compose does (by service
and replica number, "app-2", for a scaled service's containers). -f follows
them; --since and --tail are the engine's (a timestamp or a duration such as 10m; a
number of lines per container).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLogs(cmd.Context(), rt, opts, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	addManifestFlag(cmd, &opts.manifest)
	f := cmd.Flags()
	f.BoolVarP(&opts.follow, "follow", "f", false, "follow the logs")
	f.StringVar(&opts.since, "since", "", "lines since a timestamp (2026-03-01T10:00:00Z) or for a duration (10m)")
	f.IntVarP(&opts.tail, "tail", "n", -1, "the last N lines of each container (all when negative)")
	f.BoolVarP(&opts.timestamps, "timestamps", "t", false, "show each line's timestamp")
	f.BoolVar(&opts.noColor, "no-color", false, "no colours, even on a terminal")
	return cmd
}

// logLine is one line of a container's log.
type logLine struct {
	at     time.Time
	stamp  string
	text   string
	source int // index of the container, which breaks ties in its order
}

func runLogs(ctx context.Context, rt *hostRuntime, opts logsOptions, args []string, stdout, stderr io.Writer) error {
	m, err := readManifest(ctx, opts.manifest)
	if err != nil {
		return err
	}
	sel, _, err := selectServices(m, args)
	if err != nil {
		return err
	}
	eng, err := rt.engineFor(m, args[0])
	if err != nil {
		return err
	}
	containers, err := eng.Containers(ctx, args[0])
	if err != nil {
		return err
	}

	var names []string
	var streams []io.ReadCloser
	for _, s := range sel {
		c, ok := engine.Find(containers, s)
		if !ok {
			// oci-containers removes a stopped container, whose lines then live only in
			// the journal (its log driver).
			fmt.Fprintf(stderr, "khepri: %s has no container (is %s running?); its earlier lines are in the journal: journalctl CONTAINER_NAME=%s\n", s.Label(), s.Unit, s.Container)
			continue
		}
		r, err := eng.Logs(ctx, c.Name, engine.LogOptions{Since: opts.since, Tail: opts.tail, Follow: opts.follow})
		if err != nil {
			closeAll(streams)
			return err
		}
		names = append(names, s.Label())
		streams = append(streams, r)
	}
	if len(streams) == 0 {
		return fmt.Errorf("no container of composition %s is running: start it with khepri up %s", args[0], args[0])
	}
	defer closeAll(streams)

	p := newLogPrinter(stdout, names, opts.timestamps, !opts.noColor && rt.getenv("NO_COLOR") == "" && rt.terminal(stdout))
	lines := make(chan logLine, 256)
	errs := make([]error, len(streams))
	var wg sync.WaitGroup
	for i, r := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = readLog(r, i, lines)
		}()
	}
	go func() {
		wg.Wait()
		close(lines)
	}()

	if opts.follow {
		mergeFollowing(ctx, lines, p, rt.now)
	} else {
		var all []logLine
		for l := range lines {
			all = append(all, l)
		}
		sortLines(all)
		for _, l := range all {
			p.print(l)
		}
	}
	if err := errors.Join(errs...); err != nil && ctx.Err() == nil {
		return err
	}
	return p.err
}

func closeAll(rs []io.ReadCloser) {
	for _, r := range rs {
		_ = r.Close()
	}
}

// readLog reads `logs --timestamps` lines. A line without a timestamp (the engine's
// own message) takes its predecessor's, so it stays where it appeared.
func readLog(r io.Reader, source int, out chan<- logLine) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var last time.Time
	for sc.Scan() {
		line := sc.Text()
		l := logLine{at: last, text: line, source: source}
		if stamp, text, ok := strings.Cut(line, " "); ok {
			if at, err := time.Parse(time.RFC3339Nano, stamp); err == nil {
				l.at, l.stamp, l.text = at, stamp, text
				last = at
			}
		}
		out <- l
	}
	return sc.Err()
}

func sortLines(ls []logLine) {
	slices.SortStableFunc(ls, func(a, b logLine) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.source - b.source
	})
}

// followDelay is how long a followed line waits for older lines of other containers,
// so that lines arriving through separate streams still print in time order.
const followDelay = 200 * time.Millisecond

func mergeFollowing(ctx context.Context, lines <-chan logLine, p *logPrinter, now func() time.Time) {
	var pending []logLine
	tick := time.NewTicker(followDelay / 4)
	defer tick.Stop()
	flush := func(all bool) {
		sortLines(pending)
		cut := len(pending)
		if !all {
			limit := now().Add(-followDelay)
			cut = 0
			for cut < len(pending) && pending[cut].at.Before(limit) {
				cut++
			}
		}
		for _, l := range pending[:cut] {
			p.print(l)
		}
		pending = slices.Delete(pending, 0, cut)
	}
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				flush(true)
				return
			}
			pending = append(pending, l)
		case <-tick.C:
			flush(false)
		case <-ctx.Done():
			flush(true)
			return
		}
	}
}

// The colours compose gives its services, in its order.
var logColours = []string{"36", "33", "32", "35", "34", "96", "93", "92", "95", "94"}

type logPrinter struct {
	w          io.Writer
	prefixes   []string
	timestamps bool
	err        error
}

func newLogPrinter(w io.Writer, names []string, timestamps, colour bool) *logPrinter {
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	p := &logPrinter{w: w, timestamps: timestamps}
	for i, n := range names {
		prefix := fmt.Sprintf("%-*s |", width, n)
		if colour {
			prefix = "\x1b[" + logColours[i%len(logColours)] + "m" + prefix + "\x1b[0m"
		}
		p.prefixes = append(p.prefixes, prefix)
	}
	return p
}

func (p *logPrinter) print(l logLine) {
	if p.err != nil {
		return
	}
	text := l.text
	if p.timestamps && l.stamp != "" {
		text = l.stamp + " " + text
	}
	_, p.err = fmt.Fprintf(p.w, "%s %s\n", p.prefixes[l.source], text)
}
