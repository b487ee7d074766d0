// Command probe is the engine tests' container image: one static binary, run `FROM
// scratch`, whose subcommands exercise what a composition must give a container
// (names, networks, mounts, environment, arguments, exit codes, health).
//
//	probe serve PORT [ARG...]   answer HTTP on PORT with {hostname, env, args} as JSON
//	probe get URL               GET URL (resolving the peer's name), print the body
//	probe write FILE TEXT       write TEXT to FILE
//	probe read FILE             print FILE
//	probe stat FILE             print FILE's owner and mode (sticky, setuid and setgid too) as JSON:
//	                            {"uid":N,"gid":N,"mode":"0400"}
//	probe env                   print the environment as a JSON object
//	probe args [ARG...]         print the arguments as a JSON array
//	probe exit N                exit with status N
//	probe health FILE|:PORT     exit 0 when FILE exists or localhost:PORT accepts
//	probe sleep SECONDS         sleep, then exit 0
//	probe A... then B...        run A, then B (so a container can become ready late)
//
// The image also holds the binary as /bin/sh: `sh -c "probe health :8080"` runs the
// probe, so that docker's healthchecks, which always go through /bin/sh, work.
// JSON output keeps every byte of a value (quotes, newlines, non-ASCII) comparable.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	args := os.Args[1:]
	if filepath.Base(os.Args[0]) == "sh" {
		args = shell(args)
	}
	if err := sequence(args); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

// fileStat is what `stat` prints: what a container sees of a file's owner and mode.
type fileStat struct {
	UID  uint32 `json:"uid"`
	GID  uint32 `json:"gid"`
	Mode string `json:"mode"`
}

// report is what `serve` answers: enough for a test to see, from outside, what the
// container's main process was given.
type report struct {
	Hostname string            `json:"hostname"`
	Env      map[string]string `json:"env"`
	Args     []string          `json:"args"`
}

func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

func printJSON(v any) error {
	return json.NewEncoder(os.Stdout).Encode(v)
}

// shell reads `sh -c "COMMAND"` as the probe's arguments: words split at spaces, a
// leading probe path dropped. The engine's healthchecks need nothing more.
func shell(args []string) []string {
	if len(args) != 2 || args[0] != "-c" {
		return args
	}
	var words []string
	for _, w := range strings.Fields(args[1]) {
		words = append(words, strings.Trim(w, `'"`))
	}
	if len(words) > 0 && filepath.Base(words[0]) == "probe" {
		words = words[1:]
	}
	return words
}

// sequence runs the commands of `A... then B...` in order, stopping at an error.
func sequence(args []string) error {
	start := 0
	for i := 0; i <= len(args); i++ {
		if i == len(args) || args[i] == "then" {
			if err := run(args[start:i]); err != nil {
				return err
			}
			start = i + 1
		}
	}
	return nil
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: probe serve|get|write|read|stat|env|args|exit|health|sleep ...")
	}
	cmd, rest := args[0], args[1:]
	need := map[string]int{"serve": 1, "get": 1, "write": 2, "read": 1, "stat": 1, "exit": 1, "health": 1, "sleep": 1}
	if len(rest) < need[cmd] {
		return fmt.Errorf("%s needs %d argument(s)", cmd, need[cmd])
	}
	switch cmd {
	case "serve":
		host, _ := os.Hostname()
		body, err := json.Marshal(report{Hostname: host, Env: environ(), Args: os.Args[1:]})
		if err != nil {
			return err
		}
		return http.ListenAndServe(":"+rest[0], http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}))
	case "get":
		c := http.Client{Timeout: 5 * time.Second}
		resp, err := c.Get(rest[0])
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", rest[0], resp.Status)
		}
		_, err = io.Copy(os.Stdout, resp.Body)
		return err
	case "write":
		return os.WriteFile(rest[0], []byte(rest[1]), 0o644)
	case "read":
		b, err := os.ReadFile(rest[0])
		if err != nil {
			return err
		}
		_, err = os.Stdout.Write(b)
		return err
	case "stat":
		fi, err := os.Stat(rest[0])
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no owner", rest[0])
		}
		return printJSON(fileStat{UID: st.Uid, GID: st.Gid, Mode: fmt.Sprintf("%04o", st.Mode&0o7777)})
	case "env":
		return printJSON(environ())
	case "args":
		return printJSON(append([]string{}, rest...))
	case "exit":
		n, err := strconv.Atoi(rest[0])
		if err != nil {
			return err
		}
		os.Exit(n)
	case "health":
		if port, ok := strings.CutPrefix(rest[0], ":"); ok {
			conn, err := net.DialTimeout("tcp", "127.0.0.1:"+port, 2*time.Second)
			if err != nil {
				return err
			}
			return conn.Close()
		}
		_, err := os.Stat(rest[0])
		return err
	case "sleep":
		d, err := strconv.ParseFloat(rest[0], 64)
		if err != nil {
			return err
		}
		time.Sleep(time.Duration(d * float64(time.Second)))
		return nil
	}
	return fmt.Errorf("unknown subcommand %q", cmd)
}
