package service

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"

	"google.golang.org/protobuf/types/known/structpb"
	"mvdan.cc/sh/v3/syntax"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/parse"
)

// healthcheck maps compose's healthcheck to the engine's --health-* flags. Unset
// settings keep the engines' defaults, which are compose's (30s, 30s, 3, 0s).
func (r *run) healthcheck() {
	h := r.svc.GetHealthcheck()
	if h == nil {
		return
	}
	p := r.path.Field("healthcheck")
	// With an invalid test the timings are still checked, so that every error is
	// reported at once; the response is discarded anyway.
	test, disable, ok := r.healthTest(h.GetTest())
	if h.GetDisable() || disable {
		r.on("--no-healthcheck")
		return
	}
	if test != "" {
		r.flag("--health-cmd", test)
	}
	var timings []string
	for _, t := range []struct{ field, flag, value string }{
		{"interval", "--health-interval", h.GetInterval()},
		{"timeout", "--health-timeout", h.GetTimeout()},
		{"startPeriod", "--health-start-period", h.GetStartPeriod()},
	} {
		if t.value == "" {
			continue
		}
		d, err := parse.ParseDuration(t.value)
		if err != nil {
			r.d.Errorf(p.Field(t.field), "%v", err)
			continue
		}
		timings = append(timings, t.field)
		r.flag(t.flag, parse.FlagDuration(d))
	}
	if h.Retries != nil {
		if h.GetRetries() < 0 {
			r.d.Errorf(p.Field("retries"), "retries is %d; it must be 0 or more", h.GetRetries())
		} else {
			timings = append(timings, "retries")
			r.flag("--health-retries", itoa64(h.GetRetries()))
		}
	}
	if s := h.GetStartInterval(); s != "" {
		d, err := parse.ParseDuration(s)
		switch {
		case err != nil:
			r.d.Errorf(p.Field("startInterval"), "%v", err)
		case r.podman():
			r.d.Warnf(p.Field("startInterval"), "podman has no start interval (its startup healthcheck is another check with its own command); checks during the start period run at the interval")
		default:
			// --health-start-interval needs docker 25 (API 1.44) or newer.
			r.flag("--health-start-interval", parse.FlagDuration(d))
		}
	}
	if ok && test == "" && len(timings) > 0 && r.podman() {
		r.d.Warnf(p.Field("test"), "podman applies %s only together with a check command; set test (the image's check is kept with podman's defaults)", strings.Join(timings, ", "))
	}
}

// healthTest renders compose's test for --health-cmd. docker runs its value with
// /bin/sh -c, so the exec form's arguments are quoted into one POSIX shell command.
// podman reads a JSON array of two or more words as the exec form, but one that starts
// with "CMD" it splits at whitespace, JSON and all (podman's MakeHealthCheckFromCli):
// the exec form goes without the keyword, a lone word as `CMD word`, and the shell
// form as a ["CMD-SHELL", command] array, so that a command starting with "[" is not
// taken for one.
func (r *run) healthTest(v *structpb.Value) (cmd string, disable bool, ok bool) {
	p := r.path.Field("healthcheck").Field("test")
	var form string
	var args []string
	switch k := v.GetKind().(type) {
	case nil, *structpb.Value_NullValue:
		return "", false, true
	case *structpb.Value_StringValue:
		form, args = "CMD-SHELL", []string{k.StringValue}
	case *structpb.Value_ListValue:
		for _, e := range k.ListValue.GetValues() {
			s, isStr := e.GetKind().(*structpb.Value_StringValue)
			if !isStr {
				r.d.Errorf(p, "test must be a string or a list of strings")
				return "", false, false
			}
			args = append(args, s.StringValue)
		}
		if len(args) == 0 {
			r.d.Errorf(p, "empty test; use [ \"CMD\" args... ], [ \"CMD-SHELL\" command ], [ \"NONE\" ] or a string")
			return "", false, false
		}
		form, args = args[0], args[1:]
	default:
		r.d.Errorf(p, "test must be a string or a list of strings")
		return "", false, false
	}
	switch {
	case form == "NONE":
		return "", true, true
	case form == "CMD" && len(args) > 0:
	case form == "CMD-SHELL" && len(args) == 1 && strings.TrimSpace(args[0]) != "":
	default:
		r.d.Errorf(p, "invalid test: use [ \"CMD\" args... ] (at least one argument), [ \"CMD-SHELL\" command ], [ \"NONE\" ] or a non-empty string")
		return "", false, false
	}
	if r.podman() {
		switch {
		case form == "CMD" && len(args) > 1:
			return r.jsonArray(args, p)
		case form == "CMD" && !strings.ContainsFunc(args[0], unicode.IsSpace):
			return "CMD " + args[0], false, true
		case form == "CMD":
			// podman has no exact form for one word holding whitespace: its shell runs it.
			r.d.Warnf(p, "podman cannot run the one-word test %q as is: it runs it with /bin/sh -c, quoted", args[0])
			q, ok := r.shellWords(args, p)
			if !ok {
				return "", false, false
			}
			return r.jsonArray([]string{"CMD-SHELL", q}, p)
		}
		return r.jsonArray([]string{form, args[0]}, p)
	}
	if form == "CMD-SHELL" {
		return args[0], false, true
	}
	q, ok := r.shellWords(args, p)
	return q, false, ok
}

// jsonArray renders --health-cmd's JSON array form.
func (r *run) jsonArray(words []string, p diag.Path) (string, bool, bool) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(words); err != nil {
		r.d.Errorf(p, "cannot encode test: %v", err)
		return "", false, false
	}
	return strings.TrimSuffix(b.String(), "\n"), false, true
}

// shellWords quotes the exec form's arguments into one POSIX shell command.
func (r *run) shellWords(args []string, p diag.Path) (string, bool) {
	words := make([]string, len(args))
	for i, a := range args {
		q, err := syntax.Quote(a, syntax.LangPOSIX)
		if err != nil {
			r.d.Errorf(p, "argument %d cannot be quoted for the shell: %v", i+1, err)
			return "", false
		}
		words[i] = q
	}
	return strings.Join(words, " "), true
}
