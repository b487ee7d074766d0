// Package readlimit reads the files the khepri command is handed (a manifest, a compose
// file, an environment file, an expansion request) with a size limit, so that a wrong
// path such as /dev/zero ends in a message naming the file and the limit rather than in
// Go's out-of-memory dump, and with reads that a canceled context abandons, so that a
// path naming a FIFO nobody writes does not make the command deaf to Ctrl-C (issue 13).
package readlimit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MiB is a mebibyte, the unit the limits are given and reported in.
const MiB = 1 << 20

// TooLargeError is returned for a file holding more than the limit.
type TooLargeError struct {
	// What names the kind of file, e.g. "manifest", "compose file".
	What  string
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s %s is larger than %s, the most khepri reads", e.What, e.Path, Size(e.Limit))
}

// NotRegularError is returned by Check for a FIFO or a socket, which cannot be read
// twice.
type NotRegularError struct {
	What  string
	Path  string
	Limit int64
	Mode  fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s %s is %s, not a regular file (khepri reads regular files of at most %s)",
		e.What, e.Path, kind(e.Mode), Size(e.Limit))
}

// File reads the file at path, or fails with a *TooLargeError when it holds more than
// limit bytes, having read at most limit+1 of them. When ctx is done first (a signal),
// File returns the context's cause and leaves the blocked open or read behind: the
// command is about to exit, and no read of a FIFO or a hung mount can be interrupted
// otherwise. Other errors are os.Open's and Read's, the path included.
func File(ctx context.Context, what, path string, limit int64) ([]byte, error) {
	return abandonable(ctx, func() ([]byte, error) { return read(what, path, limit) })
}

// Reader reads r, named name in messages (standard input), as File reads a file: at most
// limit bytes, abandoned when ctx is done.
func Reader(ctx context.Context, what, name string, r io.Reader, limit int64) ([]byte, error) {
	return abandonable(ctx, func() ([]byte, error) {
		data, err := io.ReadAll(io.LimitReader(r, limit+1))
		if err != nil {
			return nil, err
		}
		if int64(len(data)) > limit {
			return nil, &TooLargeError{What: what, Path: name, Limit: limit}
		}
		return data, nil
	})
}

// abandonable runs read, and returns the context's cause instead when ctx is done
// first, leaving the read behind.
func abandonable(ctx context.Context, read func() ([]byte, error)) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, context.Cause(ctx)
	}
	type result struct {
		data []byte
		err  error
	}
	// Buffered, so that an abandoned read can still finish and be collected.
	done := make(chan result, 1)
	go func() {
		data, err := read()
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func read(what, path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// A regular file says its size: refuse a large one before reading any of it.
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() && info.Size() > limit {
		return nil, &TooLargeError{What: what, Path: path, Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{What: what, Path: path, Limit: limit}
	}
	return data, nil
}

// Check answers whether a file that another library will read whole (compose-go reads
// compose and .env files itself) is within limit, reading at most limit+1 bytes of it: a
// regular file by its size, a device (/dev/null, /dev/zero) by reading it. A FIFO or a
// socket is refused, since the library would read what Check consumed. A directory, or a
// path that does not exist, passes, for the library's own message.
func Check(what, path string, limit int64) error {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case info.IsDir():
		return nil
	case info.Mode().IsRegular():
		if info.Size() > limit {
			return &TooLargeError{What: what, Path: path, Limit: limit}
		}
		return nil
	case info.Mode()&fs.ModeDevice != 0:
		_, err := read(what, path, limit)
		return err
	}
	return &NotRegularError{What: what, Path: path, Limit: limit, Mode: info.Mode()}
}

// Size renders a limit for people: "4 MiB", "512 KiB", "100 bytes".
func Size(n int64) string {
	switch {
	case n >= MiB && n%MiB == 0:
		return fmt.Sprintf("%d MiB", n/MiB)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func kind(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}
