// Command racksmith-bench compares racksmith's boot-server parts with the
// usual daemons on this machine, inside a network namespace pair it creates
// and deletes: DHCP exchanges per second, latency and server CPU per
// exchange for racksmith, dnsmasq and Kea with the same reservations, and
// HTTP throughput of a 100 MB file for racksmith's file handler and nginx.
// It stops by itself (every phase is time-bounded) and touches only
// addresses inside its namespaces. Needs root. Run it through `make bench`.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "serve-dhcp":
			exit(serveDHCP(os.Args[2:]))
		case "serve-http":
			exit(serveHTTP(os.Args[2:]))
		}
	}
	exit(run(os.Args[1:]))
}

func exit(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "racksmith-bench:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

type options struct {
	hosts       int
	concurrency int
	window      time.Duration
	windows     int
	maxSteal    float64
	maxOther    float64
	httpDur     time.Duration
	httpConns   int
	fileMB      int
	skipHTTP    bool
	only        string
	budget      time.Duration
	profile     string
}

func run(args []string) error {
	var o options
	fs := flag.NewFlagSet("racksmith-bench", flag.ContinueOnError)
	fs.IntVar(&o.hosts, "hosts", 1000, "reservations configured in every DHCP server")
	fs.IntVar(&o.concurrency, "concurrency", 32, "DHCP transactions in flight")
	fs.DurationVar(&o.window, "window", 4*time.Second, "length of one measurement window")
	fs.IntVar(&o.windows, "windows", 3, "measurement windows per DHCP server")
	fs.Float64Var(&o.maxSteal, "max-steal", 5, "re-run a window (twice at most) when hypervisor steal exceeds this percentage")
	fs.Float64Var(&o.maxOther, "max-other", 25, "re-run a window (twice at most) when other processes use more than this percentage of the machine")
	fs.DurationVar(&o.httpDur, "http-duration", 8*time.Second, "length of each HTTP run")
	fs.IntVar(&o.httpConns, "http-conns", 50, "concurrent HTTP clients")
	fs.IntVar(&o.fileMB, "file-mb", 100, "size of the HTTP test file in MB")
	fs.BoolVar(&o.skipHTTP, "skip-http", false, "DHCP only")
	fs.StringVar(&o.only, "only", "", "run only this DHCP server (racksmith, dnsmasq, kea)")
	fs.StringVar(&keaSocket, "kea-socket", "raw", "Kea dhcp-socket-type: raw or udp")
	fs.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of racksmith's DHCP server here")
	fs.DurationVar(&o.budget, "budget", 8*time.Minute, "hard limit for the whole run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("needs root (network namespaces, raw sockets, port 67)")
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, cancel := context.WithTimeout(context.Background(), o.budget)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	b, err := newBench(log)
	if err != nil {
		return err
	}
	defer b.cleanup()
	if err := b.setupNetwork(); err != nil {
		return err
	}
	dhcp, err := b.runDHCP(ctx, o)
	if err != nil {
		return err
	}
	printDHCP(os.Stdout, o, dhcp)
	if o.skipHTTP {
		return nil
	}
	http, err := b.runHTTP(ctx, o)
	if err != nil {
		return err
	}
	printHTTP(os.Stdout, o, http)
	return nil
}
