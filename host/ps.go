package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/distribution/reference"
	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/host/systemd"
	"github.com/khepri-nix/khepri/proto/khepri/manifest"
)

type psOptions struct {
	manifest string
	format   string
}

func newPsCommand(rt *hostRuntime) *cobra.Command {
	var opts psOptions
	cmd := &cobra.Command{
		Use:   "ps [COMPOSITION...]",
		Short: "List the compositions' containers: service, unit, health, ports, image, uptime",
		Long: `Ps lists every container of the named compositions (of all when none is named),
one row each, so a scaled service has a row per replica: its service, the state of its
systemd unit, the container's state and health, its published ports, its image and
how long it has run. --format json prints the same as a JSON array for scripts.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPs(cmd.Context(), rt, opts, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	addManifestFlag(cmd, &opts.manifest)
	cmd.Flags().StringVar(&opts.format, "format", "table", "output format: table or json")
	return cmd
}

// psRow is one container; its JSON form is `khepri ps --format json`'s, a stable contract.
type psRow struct {
	Composition string   `json:"composition"`
	Service     string   `json:"service"`
	Container   string   `json:"container"`
	Unit        string   `json:"unit"`
	UnitState   string   `json:"unitState"`
	UnitSub     string   `json:"unitSubState"`
	State       string   `json:"state"`
	Health      string   `json:"health"`
	ExitCode    int      `json:"exitCode"`
	Ports       []string `json:"ports"`
	Image       string   `json:"image"`
	// RunningImage is the image the container was started from, when it is not
	// Image: a container left running from before the configuration (or its image
	// lock) changed.
	RunningImage string `json:"runningImage,omitempty"`
	// Digest is the image the container runs: its registry digest, or its ID when it
	// has none (built or loaded on the host); "" when unknown.
	Digest string `json:"digest"`
	// PulledDigest is the image the configured reference names now, when the container
	// runs another: pulled (by a pull unit, or by hand) since it started.
	PulledDigest string `json:"pulledDigest,omitempty"`
	StartedAt    string `json:"startedAt"`

	started time.Time
	// imageRef and imageID are what the container was started from and runs.
	imageRef, imageID string
}

func runPs(ctx context.Context, rt *hostRuntime, opts psOptions, args []string, stdout, stderr io.Writer) error {
	if opts.format != "table" && opts.format != "json" {
		return fmt.Errorf("--format %q: use table or json", opts.format)
	}
	m, err := readManifest(ctx, opts.manifest)
	if err != nil {
		return err
	}
	names := args
	if len(names) == 0 {
		names = reachable(rt, m, stderr)
	}
	var sel []manifest.Selected
	for _, n := range names {
		s, err := m.Select(n, nil)
		if err != nil {
			return err
		}
		sel = append(sel, s...)
	}

	containers, err := rt.containersOf(ctx, m, names...)
	if err != nil {
		return err
	}
	units := make([]string, len(sel))
	for i, s := range sel {
		units[i] = s.Unit
	}
	states, err := unitStates(ctx, rt, units)
	if err != nil {
		// The containers still tell most of the story; the unit column says "?".
		fmt.Fprintf(stderr, "khepri: unit states unavailable: %v\n", err)
	}

	rows := make([]psRow, 0, len(sel))
	for _, s := range sel {
		row := psRow{
			Composition: s.Composition,
			Service:     s.Name,
			Container:   s.Container,
			Unit:        s.Unit,
			UnitState:   "?",
			State:       "missing",
			Ports:       []string{},
			Image:       s.Image,
		}
		if st, ok := states[s.Unit]; ok {
			row.UnitState, row.UnitSub = st.Active, st.Sub
		}
		if c, ok := engine.Find(containers, s); ok {
			row.Container = c.Name
			row.State, row.Health, row.ExitCode = c.State, c.Health, c.ExitCode
			if c.Image != "" && !sameImage(c.Image, s.Image) {
				row.RunningImage = c.Image
			}
			row.imageRef, row.imageID = cmp.Or(c.Image, s.Image), c.ImageID
			if c.Ports != nil {
				row.Ports = c.Ports
			}
			if !c.StartedAt.IsZero() {
				row.started = c.StartedAt
				row.StartedAt = c.StartedAt.UTC().Format(time.RFC3339)
			}
		}
		rows = append(rows, row)
	}
	if err := rt.addDigests(ctx, m, rows); err != nil {
		// The digest column says "-".
		fmt.Fprintf(stderr, "khepri: image digests unavailable: %v\n", err)
	}

	if opts.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	return writePsTable(stdout, rows, rt.now())
}

// addDigests fills the rows' digests from the images of each composition's engine:
// the image each container runs, and the one its reference names now, which a pull
// may have moved since the container started.
func (rt *hostRuntime) addDigests(ctx context.Context, m *manifest.Manifest, rows []psRow) error {
	// One inspection per engine, reached through one of its compositions.
	names, through := map[string][]string{}, map[string]string{}
	for _, r := range rows {
		if r.imageID != "" {
			owner := m.Compositions[r.Composition].User
			names[owner] = append(names[owner], r.imageID, r.Image)
			through[owner] = cmp.Or(through[owner], r.Composition)
		}
	}
	images := map[string]map[string]engine.Image{}
	for _, owner := range slices.Sorted(maps.Keys(names)) {
		eng, err := rt.engineFor(m, through[owner])
		if err != nil {
			return err
		}
		if images[owner], err = eng.Images(ctx, names[owner]...); err != nil {
			return err
		}
	}
	for i, r := range rows {
		if r.imageID == "" {
			continue
		}
		known := images[m.Compositions[r.Composition].User]
		runs, ok := known[r.imageID]
		if !ok {
			runs = engine.Image{ID: r.imageID}
		}
		rows[i].Digest = runs.Digest(r.imageRef)
		if now, ok := known[r.Image]; ok && now.ID != r.imageID {
			rows[i].Digest, rows[i].PulledDigest = engine.Digests(r.Image, runs, now)
		}
	}
	return nil
}

func unitStates(ctx context.Context, rt *hostRuntime, units []string) (map[string]systemd.State, error) {
	mgr, err := rt.systemd(ctx)
	if err != nil {
		return nil, err
	}
	defer mgr.Close()
	return mgr.States(ctx, units)
}

func writePsTable(w io.Writer, rows []psRow, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COMPOSITION\tSERVICE\tCONTAINER\tUNIT\tSTATE\tPORTS\tIMAGE\tDIGEST\tUPTIME")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			r.Composition, r.Service, r.Container, r.UnitState, containerState(r),
			dash(strings.Join(r.Ports, ", ")), imageColumn(r), digestColumn(r), uptime(r, now))
	}
	return tw.Flush()
}

// containerState reads like compose's STATUS column: "running (healthy)", "exited (1)".
func containerState(r psRow) string {
	switch {
	case r.State == "exited":
		return fmt.Sprintf("exited (%d)", r.ExitCode)
	case r.Health != "":
		return r.State + " (" + r.Health + ")"
	}
	return r.State
}

// imageColumn is the configured image (with its digest, when pinned), and the one
// the container runs when that is another.
func imageColumn(r psRow) string {
	if r.RunningImage != "" {
		return r.Image + " (runs " + r.RunningImage + ")"
	}
	return r.Image
}

// digestColumn is the short digest of the image the container runs, and of the newer
// one its reference names, when one was pulled since it started.
func digestColumn(r psRow) string {
	switch {
	case r.Digest == "":
		return "-"
	case r.PulledDigest != "":
		return engine.ShortDigest(r.Digest) + " (newer pulled: " + engine.ShortDigest(r.PulledDigest) + ")"
	}
	return engine.ShortDigest(r.Digest)
}

// sameImage compares references as the engines read them: podman reports
// `docker.io/library/redis:7` for a container started as `redis:7`.
func sameImage(a, b string) bool {
	ra, errA := reference.ParseNormalizedNamed(a)
	rb, errB := reference.ParseNormalizedNamed(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return ra.String() == rb.String()
}

func uptime(r psRow, now time.Time) string {
	if r.State != "running" || r.started.IsZero() {
		return "-"
	}
	return humanDuration(now.Sub(r.started))
}

// humanDuration is a duration in its two largest units: "45s", "12m", "3h12m", "2d4h".
func humanDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// reachable lists the compositions whose engine this user reaches, saying which it
// leaves out: a user sees their own rootless compositions without sudo. With none
// reachable it lists them all, so that the first one's error is the answer.
func reachable(rt *hostRuntime, m *manifest.Manifest, stderr io.Writer) []string {
	var names, left []string
	var why []error
	for _, n := range m.CompositionNames() {
		if _, err := rt.engineFor(m, n); err != nil {
			left, why = append(left, n), append(why, err)
			continue
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return left
	}
	for _, err := range why {
		fmt.Fprintf(stderr, "khepri: %v (not listed)\n", err)
	}
	return names
}
