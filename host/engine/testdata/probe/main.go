// Command probe is the engine tests' image: one static binary run FROM scratch.
//
//	probe talk N      print N numbered lines, odd ones to stderr, then sleep
//	probe health      exit 0: the image's healthcheck
//	probe echo ARG... print the arguments, one per line
//	probe exit N      exit with status N
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "probe: talk | health | echo | exit")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "talk":
		n, _ := strconv.Atoi(os.Args[2])
		for i := 1; i <= n; i++ {
			out := os.Stdout
			if i%2 == 1 {
				out = os.Stderr
			}
			fmt.Fprintf(out, "line %d\n", i)
			// Apart in time, so the engine's timestamps order them.
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Hour)
	case "health":
	case "echo":
		for _, a := range os.Args[2:] {
			fmt.Println(a)
		}
	case "exit":
		n, _ := strconv.Atoi(os.Args[2])
		os.Exit(n)
	default:
		fmt.Fprintln(os.Stderr, "probe: unknown subcommand", os.Args[1])
		os.Exit(2)
	}
}
