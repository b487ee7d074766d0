// Package parse reads compose's short-syntax strings (ports, volumes, extra hosts,
// restart policies, commands, capabilities). Each parser returns a value or an error that
// says what is wrong and what is allowed; none of them panics on any input.
package parse
