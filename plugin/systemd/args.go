package systemd

import "fmt"

// ArgMax is the kernel's limit on one argument or environment string of a program it
// starts, the terminating NUL included (MAX_ARG_STRLEN: 32 pages, 131072 bytes): execve
// refuses a longer one with E2BIG, "Argument list too long".
const ArgMax = 131072

// CheckArg checks that word fits in one argument of a command a unit runs.
func CheckArg(word string) error {
	if n := len(word) + 1; n > ArgMax {
		return fmt.Errorf("%s is %d bytes as one argument (with its terminating NUL), over the kernel's limit of %d (MAX_ARG_STRLEN), so the command would fail with \"Argument list too long\"",
			head(word), n, ArgMax)
	}
	return nil
}

// CheckArgs checks every word of a command line, reporting the first that is too long.
func CheckArgs(words ...string) error {
	for _, w := range words {
		if err := CheckArg(w); err != nil {
			return err
		}
	}
	return nil
}

// head is the start of a long word, quoted, enough to tell which one it is (a flag's
// name, a variable's).
func head(word string) string {
	r := []rune(word)
	if len(r) > 40 {
		return fmt.Sprintf("%q…", string(r[:40]))
	}
	return fmt.Sprintf("%q", word)
}
