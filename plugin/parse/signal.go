package parse

import (
	"fmt"
	"strconv"
	"strings"
)

// signalNames are the Linux signal names both engines take for --stop-signal: the table
// of moby/sys/signal, which containers/common's podman table matches.
var signalNames = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL
		PIPE POLL PROF PWR QUIT SEGV STKFLT STOP SYS TERM TRAP TSTP TTIN TTOU URG USR1 USR2
		VTALRM WINCH XCPU XFSZ RTMIN RTMAX`) {
		signalNames[n] = true
	}
	for i := 1; i <= 15; i++ {
		signalNames["RTMIN+"+strconv.Itoa(i)] = true
	}
	for i := 1; i <= 14; i++ {
		signalNames["RTMAX-"+strconv.Itoa(i)] = true
	}
}

// Signal checks a stop signal as docker and podman read it: a signal name, in any case,
// with or without SIG (SIGTERM, term, RTMIN+3), or a number from 1 to 64.
func Signal(s string) error {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > 64 {
			return fmt.Errorf("invalid signal %q: signal numbers run from 1 to 64", s)
		}
		return nil
	}
	// ASCII only: Go's ToUpper would also fold ſ to S.
	isASCII := !strings.ContainsFunc(s, func(r rune) bool { return r > 0x7f })
	if !isASCII || !signalNames[strings.TrimPrefix(strings.ToUpper(s), "SIG")] {
		return fmt.Errorf("invalid signal %q: use a signal name such as SIGTERM, SIGINT or SIGQUIT (with or without SIG), or a number from 1 to 64", s)
	}
	return nil
}
