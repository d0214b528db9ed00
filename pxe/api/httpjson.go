// Package api is the boot server's JSON API: the installer agent's
// endpoints (/api/v1/agent/…, authenticated by per-host tokens) and the
// provisioning API the Pulumi provider drives through pxe/client
// (/api/v1/hosts…, authenticated by the API bearer token).
//
// Bodies are size-limited, decoded strictly (unknown fields and trailing
// data are refused) and every refusal is answered with a 4xx naming the
// problem and logged with the host's MAC. Secrets (tokens, keys) are never
// logged.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/racksmith/racksmith/pxe/store"
)

// Body size limits.
const (
	limitEvent    = 64 << 10
	limitResult   = 1 << 20
	limitFacts    = 1 << 20
	limitIntent   = 16 << 20
	limitDelivery = 1 << 20
)

// decodeJSON reads exactly one JSON value of at most limit bytes into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return fmt.Errorf("%w: body larger than %d bytes", errTooLarge, limit)
		case errors.Is(err, io.EOF):
			return fmt.Errorf("%w: empty body, want a JSON %T", store.ErrInvalid, v)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return fmt.Errorf("%w: truncated JSON body", store.ErrInvalid)
		}
		return fmt.Errorf("%w: body: %s", store.ErrInvalid, strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("%w: body larger than %d bytes", errTooLarge, limit)
		}
		return fmt.Errorf("%w: body: data after the JSON value", store.ErrInvalid)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// errorBody is every error answer of the API.
type errorBody struct {
	Error string `json:"error"`
}

// statusOf maps the store's sentinel errors to HTTP status codes.
func statusOf(err error) int {
	switch {
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, store.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, store.ErrBadToken), errors.Is(err, errNoBearer):
		return http.StatusUnauthorized
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrNoKey):
		return http.StatusNotFound
	case errors.Is(err, store.ErrKeyFetched), errors.Is(err, store.ErrWrongState):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// fail answers err and logs it: client errors at Warn, the rest at Error.
func fail(w http.ResponseWriter, r *http.Request, log *slog.Logger, msg string, err error) {
	code := statusOf(err)
	lvl := slog.LevelWarn
	text := err.Error()
	if code >= 500 {
		lvl = slog.LevelError
		text = "internal error"
	}
	log.Log(r.Context(), lvl, msg, "status", code, "err", err)
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="racksmith"`)
	}
	writeJSON(w, code, errorBody{Error: text})
}
