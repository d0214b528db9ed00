package api

import "context"

// RequestInfo is what a handler learns about a request that the access log
// wants too: the MAC a bearer token belongs to, known only after the store
// has resolved the token.
type RequestInfo struct {
	MAC string
}

type infoKey struct{}

// WithInfo returns ctx carrying a fresh RequestInfo for the handlers to fill.
func WithInfo(ctx context.Context) (context.Context, *RequestInfo) {
	info := &RequestInfo{}
	return context.WithValue(ctx, infoKey{}, info), info
}

// InfoFrom returns the RequestInfo of ctx, or nil.
func InfoFrom(ctx context.Context) *RequestInfo {
	info, _ := ctx.Value(infoKey{}).(*RequestInfo)
	return info
}
