package nstest

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// Netns is one named network namespace (/run/netns/Name).
type Netns struct {
	Name string
}

// Do runs fn on an OS thread switched into the namespace. Sockets fn opens
// belong to the namespace and keep working from any goroutine afterwards;
// goroutines fn starts do NOT run in the namespace. The thread is switched
// back after fn, or discarded if that fails.
func (n Netns) Do(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		result := errFnExited
		defer func() { errc <- result }()
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			result = fmt.Errorf("nstest: open own namespace: %w", err)
			return
		}
		defer orig.Close()
		target, err := os.Open("/run/netns/" + n.Name)
		if err != nil {
			runtime.UnlockOSThread()
			result = fmt.Errorf("nstest: open namespace %s: %w", n.Name, err)
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			result = fmt.Errorf("nstest: enter namespace %s: %w", n.Name, err)
			return
		}
		// Runs even when fn calls t.FailNow (runtime.Goexit).
		defer func() {
			if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err == nil {
				runtime.UnlockOSThread()
			} // else: the goroutine ends locked and the runtime retires the thread.
		}()
		result = fn()
	}()
	return <-errc
}

// errFnExited: fn did not return (it called t.FailNow or runtime.Goexit).
var errFnExited = errors.New("nstest: function run in the namespace did not return")

// Run is Do for fn that fails t itself; a namespace error fails t.
func (n Netns) Run(t testing.TB, fn func()) {
	t.Helper()
	err := n.Do(func() error { fn(); return nil })
	if errors.Is(err, errFnExited) {
		t.FailNow() // fn already reported why
	}
	if err != nil {
		t.Fatal(err)
	}
}
