package provider

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Servers sharing a group reboot one at a time, overlapping group sets
// neither deadlock nor overlap, and a waiter whose context ends gives up
// holding nothing.
func TestRollingReboots(t *testing.T) {
	r := &rolling{slots: map[string]chan struct{}{}}
	var inWeb, maxWeb atomic.Int32
	var wg sync.WaitGroup
	for _, groups := range [][]string{{"web", "dns"}, {"dns", "web"}, {"web"}, {"monitor", "web"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := r.acquire(context.Background(), groups)
			if err != nil {
				t.Error(err)
				return
			}
			defer release()
			n := inWeb.Add(1)
			for m := maxWeb.Load(); n > m && !maxWeb.CompareAndSwap(m, n); m = maxWeb.Load() {
			}
			time.Sleep(30 * time.Millisecond)
			inWeb.Add(-1)
		}()
	}
	wg.Wait()
	if maxWeb.Load() != 1 {
		t.Errorf("%d servers of group web rebooted at once, want 1", maxWeb.Load())
	}

	release, err := r.acquire(context.Background(), []string{"web"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := r.acquire(ctx, []string{"dns", "web"}); err == nil {
		t.Fatal("acquired web while it was held")
	}
	// the cut waiter released dns
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	rel, err := r.acquire(ctx2, []string{"dns"})
	if err != nil {
		t.Fatalf("dns left held by a waiter that gave up: %v", err)
	}
	rel()
	release()
}
