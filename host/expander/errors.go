package expander

import (
	"fmt"
	"sync"

	"github.com/hashicorp/go-hclog"
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

// logSink receives go-plugin's log records. It keeps the exit status go-plugin logs
// when the plugin process ends ("exit status 3"), which go-plugin does not expose
// otherwise, and drops the records about the process ending or being killed: the error
// Open or Expand returns says that once, in plain words, and a Kill after a protocol
// mismatch or a timeout is deliberate. Everything else at Warn and above (the plugin's
// panics, its error lines) goes to out.
type logSink struct {
	out hclog.SinkAdapter

	mu   sync.Mutex
	last string
}

var _ hclog.SinkAdapter = (*logSink)(nil)

// Accept implements hclog.SinkAdapter.
func (s *logSink) Accept(name string, level hclog.Level, msg string, args ...any) {
	switch msg {
	case "plugin process exited":
		for i := 0; i+1 < len(args); i += 2 {
			if args[i] == "error" {
				if v, ok := args[i+1].(string); ok {
					s.mu.Lock()
					s.last = v
					s.mu.Unlock()
				}
			}
		}
	case "plugin failed to exit gracefully":
	default:
		s.out.Accept(name, level, msg, args...)
	}
}

// status is the plugin's exit status as go-plugin logged it, or "".
func (s *logSink) status() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}
