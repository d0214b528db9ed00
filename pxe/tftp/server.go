// Package tftp is the boot server's read-only TFTP server (pin/tftp): it
// hands firmware the iPXE binaries from one root directory, answering the
// tsize and blksize options, and refuses every name that could leave the
// root (see Resolve; symlinks out of the root are refused on open).
package tftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pin/tftp/v3"
)

// DefaultRoot is where Debian's ipxe package puts the iPXE binaries.
// Note: its ipxe.efi is a symlink to /boot/ipxe.efi, outside the root, and
// is refused; pin it with WithFile("ipxe.efi", "/boot/ipxe.efi") or serve a
// root holding real files.
const DefaultRoot = "/usr/lib/ipxe"

// Server serves files read-only from a root directory.
type Server struct {
	rootDir string
	root    *os.Root
	files   map[string]string
	log     *slog.Logger
	metrics *Metrics
	timeout time.Duration
}

// Option configures a Server.
type Option func(*Server)

// WithFile serves the file at path (anywhere, symlinks followed) under the
// exact request name: for operator-chosen files that live outside the root.
func WithFile(name, path string) Option {
	return func(s *Server) { s.files[name] = path }
}

// WithTimeout sets the per-packet retransmission timeout (default 2 s).
func WithTimeout(d time.Duration) Option {
	return func(s *Server) { s.timeout = d }
}

// NewServer opens root (empty: DefaultRoot) for serving.
func NewServer(root string, log *slog.Logger, opts ...Option) (*Server, error) {
	if root == "" {
		root = DefaultRoot
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("tftp: open root: %w", err)
	}
	s := &Server{rootDir: root, root: r, files: map[string]string{}, log: log, metrics: NewMetrics(), timeout: 2 * time.Second}
	for _, o := range opts {
		o(s)
	}
	for name, p := range s.files {
		if _, err := Resolve(name); err != nil {
			r.Close()
			return nil, fmt.Errorf("tftp: pinned file name %q: %w", name, err)
		}
		if !filepath.IsAbs(p) {
			r.Close()
			return nil, fmt.Errorf("tftp: pinned file %q: path %q is not absolute", name, p)
		}
	}
	return s, nil
}

// Metrics returns the server's counters.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Close releases the root.
func (s *Server) Close() error { return s.root.Close() }

// Serve listens on addr (e.g. "10.11.0.2:69" or ":69") and serves until
// ctx is done.
func (s *Server) Serve(ctx context.Context, addr string) error {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return fmt.Errorf("tftp: listen address %q: %w", addr, err)
	}
	conn, err := net.ListenUDP("udp", ua)
	if err != nil {
		return fmt.Errorf("tftp: listen on %s: %w", addr, err)
	}
	return s.ServeConn(ctx, conn)
}

// ServeConn serves on conn until ctx is done, then waits for transfers in
// flight to finish or time out. Each transfer gets its own socket (RFC 1350
// TIDs), opened from the goroutine calling ServeConn: inside a network
// namespace, call it from a thread in that namespace.
func (s *Server) ServeConn(ctx context.Context, conn *net.UDPConn) error {
	defer conn.Close()
	srv := tftp.NewServer(s.read, s.write)
	srv.SetTimeout(s.timeout)
	srv.SetHook(hook{s})
	s.log.Info("tftp serving", "addr", conn.LocalAddr().String(), "root", s.rootDir)
	stop := context.AfterFunc(ctx, srv.Shutdown)
	defer stop()
	err := srv.Serve(conn)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func (s *Server) read(name string, rf io.ReaderFrom) error {
	ot := rf.(tftp.OutgoingTransfer)
	peer := ot.RemoteAddr()
	log := s.log.With("peer", peer.String(), "file", name)
	f, err := s.open(name)
	if err != nil {
		result := "not_found"
		if errors.Is(err, ErrUnsafePath) {
			result = "refused"
		}
		s.metrics.Transfers.WithLabelValues(result).Inc()
		log.Warn("tftp request refused", "result", result, "err", err.Error())
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		s.metrics.Transfers.WithLabelValues("not_found").Inc()
		log.Warn("tftp request refused", "result", "not_found", "err", "not a regular file")
		return ErrNotFound
	}
	ot.SetSize(st.Size())
	start := time.Now()
	n, err := rf.ReadFrom(f)
	s.metrics.Bytes.Add(float64(n))
	if err != nil {
		if n == 0 && strings.Contains(err.Error(), "code=8") {
			// UEFI PXE asks for tsize, then aborts (RFC 2349 option
			// refused, code 8) before fetching the file for real.
			s.metrics.Transfers.WithLabelValues("size_probe").Inc()
			log.Info("tftp size probe", "size", st.Size())
			return nil
		}
		s.metrics.Transfers.WithLabelValues("failed").Inc()
		log.Warn("tftp transfer failed", "bytes", n, "err", err.Error())
		return nil // the library already told the client
	}
	s.metrics.Transfers.WithLabelValues("ok").Inc()
	log.Info("tftp transfer done", "bytes", n, "duration", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// open resolves name inside the root (or to a pinned file). Errors are
// safe to show the client: they wrap ErrUnsafePath or ErrNotFound.
func (s *Server) open(name string) (*os.File, error) {
	rel, err := Resolve(name)
	if err != nil {
		return nil, err
	}
	if p, ok := s.files[rel]; ok {
		f, err := os.Open(p)
		if err != nil {
			return nil, ErrNotFound
		}
		return f, nil
	}
	f, err := s.root.Open(rel)
	switch {
	case err == nil:
		return f, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, ErrNotFound
	default:
		// os.Root: "path escapes from parent" for symlinks out of the root.
		return nil, fmt.Errorf("%w: %q leads out of the root", ErrUnsafePath, rel)
	}
}

func (s *Server) write(name string, _ io.WriterTo) error {
	s.metrics.Transfers.WithLabelValues("refused").Inc()
	s.log.Warn("tftp write request refused", "file", name)
	return ErrReadOnly
}

// hook logs requests the library drops before they reach a handler
// (malformed packets) and transfers that break off.
type hook struct{ s *Server }

var _ tftp.Hook = hook{}

func (h hook) OnSuccess(tftp.TransferStats) {}

func (h hook) OnFailure(st tftp.TransferStats, err error) {
	if err == nil || st.Filename != "" {
		return // transfer failures are logged by the read handler
	}
	h.s.metrics.Transfers.WithLabelValues("bad_request").Inc()
	h.s.log.Warn("tftp packet dropped", "err", err.Error())
}
