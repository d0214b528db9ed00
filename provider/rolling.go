package provider

import (
	"context"
	"slices"
	"sync"
)

// rolling serializes the reboots that deliver role files: one plugin
// process serves every Server of an up, and servers sharing a reboot group
// (a role) take their files one at a time, so the role keeps serving.
type rolling struct {
	mu    sync.Mutex
	slots map[string]chan struct{}
}

var reboots = &rolling{slots: map[string]chan struct{}{}}

// acquire takes every group of groups (in sorted order, so two servers
// with overlapping groups cannot deadlock) and returns the release; it
// gives up, releasing what it holds, when ctx ends.
func (r *rolling) acquire(ctx context.Context, groups []string) (func(), error) {
	gs := slices.Clone(groups)
	slices.Sort(gs)
	gs = slices.Compact(gs)
	var held []chan struct{}
	release := func() {
		for _, c := range held {
			<-c
		}
	}
	for _, g := range gs {
		c := r.slot(g)
		select {
		case c <- struct{}{}:
			held = append(held, c)
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

func (r *rolling) slot(group string) chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.slots[group]
	if !ok {
		c = make(chan struct{}, 1)
		r.slots[group] = c
	}
	return c
}
