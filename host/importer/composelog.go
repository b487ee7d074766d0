package importer

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/template"
	"github.com/sirupsen/logrus"
)

// compose-go warns through logrus' process-wide logger, once per occurrence and per load
// (khepri loads a project twice): a value holding `$x` a million times printed two million
// lines. An import collects the warnings instead, each distinct one once.
const (
	// maxWarnings is how many distinct warnings an import reports; the rest are counted.
	maxWarnings = 20
	// maxShown is how much of a compose value or warning a message shows.
	maxShown = 200
)

// logMu gives one import at a time logrus' standard logger.
var logMu sync.Mutex

// warningLog is a logrus hook keeping the distinct messages while it holds logrus'
// standard logger.
type warningLog struct {
	mu       sync.Mutex
	seen     map[string]bool
	messages []string

	restore func()
}

// captureWarnings silences logrus' standard logger and collects its warnings until
// stop is called.
func captureWarnings() *warningLog {
	logMu.Lock()
	logger := logrus.StandardLogger()
	w := &warningLog{seen: map[string]bool{}}
	hooks := logger.ReplaceHooks(logrus.LevelHooks{})
	logger.AddHook(w)
	out := logger.Out
	logger.SetOutput(io.Discard)
	w.restore = func() {
		logger.SetOutput(out)
		logger.ReplaceHooks(hooks)
		logMu.Unlock()
	}
	return w
}

// stop gives the logger back and returns the warnings sorted (compose-go interpolates
// maps in Go's random order, so the order they came in is not the same twice), the
// first maxWarnings and a count of the others. Calling it again only returns them.
func (w *warningLog) stop() []string {
	if w.restore != nil {
		w.restore()
		w.restore = nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	slices.Sort(w.messages)
	if len(w.messages) > maxWarnings {
		more := len(w.messages) - maxWarnings
		return append(w.messages[:maxWarnings:maxWarnings], fmt.Sprintf("%d more warnings like these not shown", more))
	}
	return w.messages
}

func (w *warningLog) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel}
}

func (w *warningLog) Fire(e *logrus.Entry) error {
	msg := shorten(oneLine(e.Message))
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.seen[msg] {
		w.seen[msg] = true
		w.messages = append(w.messages, msg)
	}
	return nil
}

// loadError keeps compose-go's error reachable while showing a shorter text.
type loadError struct {
	msg string
	err error
}

func (e *loadError) Error() string { return e.msg }
func (e *loadError) Unwrap() error { return e.err }

// shortenLoadError makes compose-go's interpolation error one line showing at most
// maxShown bytes of the value: compose-go puts the whole value on a third line.
func shortenLoadError(err error) error {
	var ite *template.InvalidTemplateError
	if err == nil || !errors.As(err, &ite) {
		return err
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	first = strings.TrimSuffix(first, ".")
	value := fmt.Sprintf("%q", ite.Template)
	if cut := cutAt(ite.Template); cut < len(ite.Template) {
		value = fmt.Sprintf("%q… (%d bytes)", ite.Template[:cut], len(ite.Template))
	}
	msg := fmt.Sprintf("%s: %s; escape a literal $ as $$", first, value)
	return &loadError{msg: msg, err: err}
}

// shorten cuts s to maxShown bytes, saying how long it was.
func shorten(s string) string {
	if cut := cutAt(s); cut < len(s) {
		return fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
	}
	return s
}

// cutAt is where shorten cuts s: maxShown bytes in, moved back to a rune's start.
func cutAt(s string) int {
	if len(s) <= maxShown {
		return len(s)
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return cut
}

var newlines = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func oneLine(s string) string { return newlines.Replace(s) }
