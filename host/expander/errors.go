package expander

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/go-hclog"

	"github.com/khepri-nix/khepri/proto/khepri/rpc"
)

// faultError is an error whose text is written for people, whose kind answers
// errors.Is, and whose cause (a gRPC status, an exec error) stays reachable by
// errors.As without cluttering the message.
type faultError struct {
	kind  error
	msg   string
	cause error
}

func fault(kind, cause error, format string, args ...any) error {
	return &faultError{kind: kind, msg: fmt.Sprintf(format, args...), cause: cause}
}

func (e *faultError) Error() string { return e.msg }

func (e *faultError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// incompatibleVersion matches go-plugin's handshake error, whose capitalisation has
// changed between releases: "Incompatible API version with plugin. Plugin version: 2,
// Client versions: [1]".
var incompatibleVersion = regexp.MustCompile(`(?i)incompatible API version with plugin\. Plugin version: (\d+), Client versions: \[([\d ]*)\]`)

// go-plugin's handshake errors, by their first line.
const (
	unrecognized   = "Unrecognized remote plugin message: "
	startTimedOut  = "timeout while waiting for plugin to start"
	exitedUnopened = "plugin exited before we could connect"
)

// startError explains, in one line, why the plugin did not get through the handshake.
func (c *Client) startError(err error) error {
	if m := incompatibleVersion.FindStringSubmatch(err.Error()); m != nil {
		return fault(ErrProtocolMismatch, err,
			"expander plugin %s speaks protocol version %s; this khepri speaks version %d",
			c.path, m[1], rpc.ProtocolVersion)
	}
	if errors.Is(err, fs.ErrPermission) {
		return fault(ErrNotExecutable, err, "expander plugin %s is not executable", c.path)
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	printed, isUnrecognized := strings.CutPrefix(first, unrecognized)
	switch {
	case first == startTimedOut:
		return c.handshakeTimeout(err)
	// The plugin closed its stdout without a line: it exited, or is about to.
	case first == exitedUnopened || isUnrecognized && printed == "":
		if c.waitExited(exitWait) {
			return fault(ErrExited, err, "expander plugin %s exited before the handshake%s; is it a khepri expander plugin?", c.path, c.exitDetail())
		}
		return fault(ErrHandshake, err, "expander plugin %s did not complete the go-plugin handshake: it printed nothing; is it a khepri expander plugin?", c.path)
	case isUnrecognized:
		return fault(ErrHandshake, err, "expander plugin %s did not complete the go-plugin handshake: it printed %s; is it a khepri expander plugin?", c.path, quoteShort(printed))
	case c.client.Exited():
		return fault(ErrExited, err, "expander plugin %s exited before the handshake%s; is it a khepri expander plugin?", c.path, c.exitDetail())
	}
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return fault(ErrStart, err, "expander plugin %s failed to start: %s", c.path, oneLine(err.Error()))
	}
	return fault(ErrHandshake, err, "expander plugin %s did not complete the go-plugin handshake: %s", c.path, shorten(first))
}

func (c *Client) handshakeTimeout(cause error) error {
	return fault(ErrTimeout, cause, "expander plugin %s did not complete the go-plugin handshake within %s", c.path, c.timeout)
}

// logSink receives go-plugin's log records and keeps the exit status go-plugin logs
// when the plugin process ends ("exit status 3"), which go-plugin does not expose
// otherwise. Nothing is written: the error Open or Expand returns says what happened,
// once, and go-plugin's own warnings ("stdio service not available") are noise in a Nix
// build log (issue 13).
type logSink struct {
	mu   sync.Mutex
	last string
}

var _ hclog.SinkAdapter = (*logSink)(nil)

// Accept implements hclog.SinkAdapter.
func (s *logSink) Accept(_ string, _ hclog.Level, msg string, args ...any) {
	if msg != "plugin process exited" {
		return
	}
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == "error" {
			if v, ok := args[i+1].(string); ok {
				s.mu.Lock()
				s.last = v
				s.mu.Unlock()
			}
		}
	}
}

// status is the plugin's exit status as go-plugin logged it, or "".
func (s *logSink) status() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// stderrLog reads the plugin process's own stderr, which go-plugin hands over line by
// line, and keeps what explains a failure: the first line of a Go panic or fatal error
// (the stack trace after it is not kept) and the last line written.
type stderrLog struct {
	mu      sync.Mutex
	partial []byte
	panic   string
	last    string
}

// maxLine bounds the part of a line stderrLog keeps.
const maxLine = 4 << 10

// Write implements io.Writer; go-plugin writes a line, then its newline.
func (s *stderrLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range p {
		if b != '\n' {
			if len(s.partial) < maxLine {
				s.partial = append(s.partial, b)
			}
			continue
		}
		line := strings.TrimSpace(string(s.partial))
		s.partial = s.partial[:0]
		if line == "" {
			continue
		}
		if s.panic == "" && (strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ")) {
			s.panic = shorten(line)
		}
		// go-plugin's server logs its own chatter as JSON records; they explain nothing.
		if !strings.HasPrefix(line, `{"@`) {
			s.last = shorten(line)
		}
	}
	return len(p), nil
}

func (s *stderrLog) panicLine() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.panic
}

func (s *stderrLog) lastLine() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// maxShown bounds what a message shows of something a plugin said.
const maxShown = 200

// shorten cuts s to maxShown bytes, at a rune's start, saying how long it was.
func shorten(s string) string {
	if len(s) <= maxShown {
		return s
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
}

// quoteShort quotes what a plugin printed, cut like shorten.
func quoteShort(s string) string {
	if len(s) <= maxShown {
		return fmt.Sprintf("%q", s)
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}

var newlines = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func oneLine(s string) string { return newlines.Replace(s) }
