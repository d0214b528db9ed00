// Package server wires the boot server into one daemon: the state store,
// the HTTP side (iPXE scripts, files, agent endpoints, provisioning API,
// /metrics, /healthz) and the packet services (DHCP, TFTP, router
// advertisements) that run beside it, with one shutdown path.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/racksmith/racksmith/pxe/store"
)

// Config is the HTTP side's configuration.
type Config struct {
	// BaseURL is the server's URL as hosts reach it (the site's boot URL,
	// e.g. http://10.11.0.2:8080): scripts and plans point there.
	BaseURL string
	// ListenHTTP is the HTTP listen address, e.g. ":8080".
	ListenHTTP string
	// FilesDir is served under /files/ (kernel, initrd, OS images).
	FilesDir string
	// TFTPRoot is the directory of the iPXE boot programs (default
	// /usr/lib/ipxe). Its boot programs (undionly.kpxe, ipxe.efi,
	// snponly.efi and UEFIBinary) are also served under /boot-files/, where
	// the DHCP server points UEFI HTTP boot clients.
	TFTPRoot string
	// UEFIBinary is the UEFI iPXE binary the DHCP server hands out (see
	// PacketOptions.UEFIBinary); empty: ipxe.efi.
	UEFIBinary string
	// StatePath is the bbolt state file; its sealing key is StatePath+".seal".
	StatePath string
	// APIToken is the provisioning API's bearer token.
	APIToken string
	// Discovery boots unknown MACs into the installer's discovery mode.
	Discovery bool
	// Kernel and Initrd are paths under FilesDir (default vmlinuz,
	// initrd.img); KernelArgs are appended to the installer's command line.
	Kernel, Initrd string
	KernelArgs     []string
	// ShutdownTimeout bounds the wait for in-flight requests (default 10s).
	ShutdownTimeout time.Duration
}

// Validate reports the first unusable field.
func (c Config) Validate() error {
	switch {
	case !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://"):
		return fmt.Errorf("%w: base_url: %q is not an http(s) URL", ErrConfig, c.BaseURL)
	case c.ListenHTTP == "":
		return fmt.Errorf("%w: listen_http: empty", ErrConfig)
	case c.StatePath == "":
		return fmt.Errorf("%w: state: empty", ErrConfig)
	case c.FilesDir == "":
		return fmt.Errorf("%w: files: empty", ErrConfig)
	case len(c.APIToken) < 16:
		return fmt.Errorf("%w: api token: shorter than 16 characters", ErrConfig)
	}
	return checkBootFileName("uefi_binary", c.UEFIBinary)
}

// Service is a packet service run beside the HTTP side (DHCP, TFTP, RA).
// Serve runs until ctx is done and then returns nil.
type Service struct {
	Name       string
	Serve      func(ctx context.Context) error
	Collectors []prometheus.Collector
}

// Server is one boot server.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    *store.Store
	reg      *prometheus.Registry
	http     *http.Server
	ln       net.Listener
	services []Service
}

// New opens the state and builds the HTTP side. Close it (or Serve it to
// the end) to release the state file.
func New(cfg Config, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	st, err := store.Open(cfg.StatePath, store.Options{})
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	m := newMetrics(reg)
	reg.MustRegister(newHostsCollector(st.List))
	s := &Server{cfg: cfg, log: log, store: st, reg: reg}
	s.http = &http.Server{
		Handler:           newHandler(cfg, st, reg, m, log),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Add registers a packet service to run with the server; its collectors
// join /metrics.
func (s *Server) Add(svc Service) error {
	for _, c := range svc.Collectors {
		if err := s.reg.Register(c); err != nil {
			return fmt.Errorf("register %s metrics: %w", svc.Name, err)
		}
	}
	s.services = append(s.services, svc)
	return nil
}

// Store is the server's state, for wiring only.
func (s *Server) Store() *store.Store { return s.store }

// Listen opens the HTTP listener now (so a caller learns the port of
// ":0"); Serve does it otherwise.
func (s *Server) Listen() (net.Addr, error) {
	if s.ln == nil {
		ln, err := net.Listen("tcp", s.cfg.ListenHTTP)
		if err != nil {
			return nil, fmt.Errorf("http listen %s: %w", s.cfg.ListenHTTP, err)
		}
		s.ln = ln
	}
	return s.ln.Addr(), nil
}

// Serve runs the HTTP side and every service until ctx is done or one of
// them fails; then it shuts the HTTP side down gracefully, waits for the
// services and closes the state. It returns the first failure, or nil.
func (s *Server) Serve(ctx context.Context) error {
	defer s.store.Close()
	if _, err := s.Listen(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg   sync.WaitGroup
		once sync.Once
		ferr error
	)
	failed := func(name string, err error) {
		if err != nil && ctx.Err() == nil {
			once.Do(func() { ferr = fmt.Errorf("%s: %w", name, err) })
			cancel()
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.log.Info("http serving", "addr", s.ln.Addr().String(), "base_url", s.cfg.BaseURL,
			"files", s.cfg.FilesDir, "state", s.cfg.StatePath, "discovery", s.cfg.Discovery)
		if err := s.http.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
			failed("http", err)
		}
	}()
	for _, svc := range s.services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			failed(svc.Name, svc.Serve(ctx))
		}()
	}
	<-ctx.Done()
	s.log.Info("shutting down")
	sctx, scancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer scancel()
	if err := s.http.Shutdown(sctx); err != nil {
		s.log.Warn("http shutdown", "err", err)
	}
	wg.Wait()
	s.log.Info("stopped")
	return ferr
}

// Close releases the state without serving (for a Server never served).
func (s *Server) Close() error {
	if s.ln != nil {
		s.ln.Close()
	}
	return s.store.Close()
}
