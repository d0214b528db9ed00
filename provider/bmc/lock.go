package bmc

import (
	"context"
	"fmt"
	"sync"
)

// bmcLocks holds one lock per BMC address ("host:port") for the whole
// process, so two Clients for the same BMC never talk to it at once.
var bmcLocks sync.Map // string -> chan struct{}

// lock waits for the BMC at host to be free, or for ctx to end. The
// returned func releases it.
func lock(ctx context.Context, host string) (func(), error) {
	v, _ := bmcLocks.LoadOrStore(host, make(chan struct{}, 1))
	ch := v.(chan struct{})
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for another operation on bmc %s: %w", host, ctx.Err())
	}
}
